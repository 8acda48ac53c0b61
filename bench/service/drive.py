"""Drives a running batchscore-server for bench/service/run.sh (standard library only).

  drive.py job  URL TOKEN JOB.yaml         submit, poll every 10 ms until the job ends; prints
                                           "seconds STATE" (POST sent -> final state seen)
  drive.py probe URL TOKEN JOB.yaml N      N tiny jobs one after another on an idle server; prints
                                           the POST latency and the server's submit -> running
                                           time (timings.queue_seconds) as p50 / p99 in ms
"""
import json
import sys
import time
import urllib.request


def call(method, url, token, body=None, content_type=None):
    request = urllib.request.Request(url, data=body, method=method)
    request.add_header("Authorization", "Bearer " + token)
    if content_type:
        request.add_header("Content-Type", content_type)
    with urllib.request.urlopen(request) as answer:
        return json.loads(answer.read())


def run_job(url, token, spec):
    start = time.perf_counter()
    job = call("POST", url + "/v1/jobs", token, spec, "application/yaml")
    while job["state"] not in ("succeeded", "failed", "cancelled"):
        time.sleep(0.01)
        job = call("GET", url + "/v1/jobs/" + job["id"], token)
    return time.perf_counter() - start, job


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main():
    mode, url, token, path = sys.argv[1:5]
    spec = open(path, "rb").read()
    if mode == "job":
        seconds, job = run_job(url, token, spec)
        print(f"{seconds:.3f} {job['state']}")
        return 0 if job["state"] == "succeeded" else 1
    count = int(sys.argv[5])
    posts, queue = [], []
    for _ in range(count):
        start = time.perf_counter()
        job = call("POST", url + "/v1/jobs", token, spec, "application/yaml")
        posts.append((time.perf_counter() - start) * 1000)
        while job["state"] not in ("succeeded", "failed", "cancelled"):
            time.sleep(0.005)
            job = call("GET", url + "/v1/jobs/" + job["id"], token)
        queue.append(job["timings"]["queue_seconds"] * 1000)
    print(f"POST latency ms: p50 {percentile(posts, 50):.1f} p99 {percentile(posts, 99):.1f}")
    print(f"submit -> running ms (server timestamps): p50 {percentile(queue, 50):.1f} p99 {percentile(queue, 99):.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Drives a running batchscore-server for bench/service/run.sh (standard library only).

  drive.py job  URL TOKEN JOB.yaml         submit, poll every 200 ms until the job ends; prints
                                           "seconds STATE client_seconds": the server's own
                                           timestamps (submitted -> finished, ms resolution), so the
                                           poller's coarse steps and its CPU do not blur the figure
  drive.py probe URL TOKEN JOB.yaml N      N tiny jobs one after another on an idle server; prints
                                           the POST latency and the server's submit -> running
                                           time (timings.queue_seconds) as p50 / p99 in ms
  drive.py burst URL TOKEN JOB.yaml N      N submissions at once (N threads); prints their latency
                                           p50 / p99, then waits for all N jobs and counts them
"""
import concurrent.futures
import threading
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


def run_job(url, token, spec, poll=0.2):
    start = time.perf_counter()
    job = call("POST", url + "/v1/jobs", token, spec, "application/yaml")
    while job["state"] not in ("succeeded", "failed", "cancelled"):
        time.sleep(poll)
        job = call("GET", url + "/v1/jobs/" + job["id"], token)
    return time.perf_counter() - start, job


def stamp(text):
    """Seconds since the epoch of an RFC 3339 timestamp with milliseconds (2026-12-07T21:08:30.123Z)."""
    from datetime import datetime
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def burst(url, token, spec, count):
    gate = threading.Barrier(count)

    def submit(_):
        gate.wait()
        start = time.perf_counter()
        job = call("POST", url + "/v1/jobs", token, spec, "application/yaml")
        return job["id"], (time.perf_counter() - start) * 1000

    with concurrent.futures.ThreadPoolExecutor(max_workers=count) as pool:
        results = list(pool.map(submit, range(count)))
    latencies = [ms for _, ms in results]
    ids = {job_id for job_id, _ in results}
    print(f"{count} concurrent submissions: {len(ids)} distinct jobs; latency ms p50 {percentile(latencies, 50):.1f} "
          f"p99 {percentile(latencies, 99):.1f}")
    states = {}
    for job_id in ids:
        job = call("GET", url + "/v1/jobs/" + job_id, token)
        while job["state"] not in ("succeeded", "failed", "cancelled"):
            time.sleep(0.02)
            job = call("GET", url + "/v1/jobs/" + job_id, token)
        states[job["state"]] = states.get(job["state"], 0) + 1
    print(f"  all ended: {states}")
    return 0 if len(ids) == count and states.get("succeeded") == count else 1


def main():
    mode, url, token, path = sys.argv[1:5]
    spec = open(path, "rb").read()
    if mode == "job":
        client_seconds, job = run_job(url, token, spec)
        timings = job["timings"]
        seconds = stamp(timings["finished_at"]) - stamp(timings["created_at"])
        print(f"{seconds:.3f} {job['state']} {client_seconds:.3f}")
        return 0 if job["state"] == "succeeded" else 1
    count = int(sys.argv[5])
    if mode == "burst":
        return burst(url, token, spec, count)
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

import Foundation
import Hummingbird

/// The status page at `/`: the token's jobs (all for `admin`) with state, a progress bar, counts
/// and links to outputs, quarantine and summary. Server-rendered HTML with no external assets:
/// without JavaScript it refreshes itself every few seconds; with it, `/status.js` follows each
/// running job's event stream and moves its bar in place.
///
/// A browser sends no bearer header, so `/?token=TOKEN` (or the page's form) sets the token as
/// an HttpOnly, SameSite=Strict cookie and redirects to `/`, keeping the token out of the address bar.
struct StatusPage {
    let state: ServiceState

    func register(on router: Router<ServiceRequestContext>) {
        router.get("/") { request, _ in try await page(request) }
        router.get("/status.js") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "no-cache"],
                     body: .init(byteBuffer: ByteBuffer(string: Self.script)))
        }
    }

    private func page(_ request: Request) async throws -> Response {
        if let offered = request.uri.queryParameters["token"] {
            var headers: HTTPFields = [.location: "/"]
            if try await state.store.token(hash: APITokens.hash(String(offered))) != nil {
                headers[.setCookie] = "\(AuthMiddleware.cookieName)=\(offered); Path=/; HttpOnly; SameSite=Strict"
            }
            return Response(status: .seeOther, headers: headers)
        }
        guard let presented = AuthMiddleware.presentedToken(request),
              let token = try await state.store.token(hash: APITokens.hash(presented)) else {
            return html(Self.signIn, status: .unauthorized)
        }
        let owner = token.scopeSet.contains(.admin) ? nil : token.id
        let jobs = try await state.store.list(owner: owner, state: nil, before: nil, limit: 200)
        let anyLive = jobs.contains { !$0.state.isFinal }
        var rows = ""
        for job in jobs {
            rows += row(JobView(job, live: state.board.get(job.id)), job: job)
        }
        if jobs.isEmpty { rows = "<tr><td colspan=\"7\" class=\"empty\">No jobs yet. Submit one with <code>batchscore submit JOB.yaml --server URL</code>.</td></tr>" }
        let body = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>BatchScore jobs</title>
            \(anyLive ? "<noscript><meta http-equiv=\"refresh\" content=\"3\"></noscript>" : "")
            <style>\(Self.style)</style>
            </head><body>
            <h1>BatchScore jobs</h1>
            <p class="meta">Token <code>\(escape(token.id))</code> (\(escape(token.scopes))) · \(jobs.count) job\(jobs.count == 1 ? "" : "s") · <a href="/">refresh</a></p>
            <table id="jobs">
            <thead><tr><th>Job</th><th>State</th><th>Progress</th><th>Read</th><th>Written</th><th>Quarantined</th><th>Files</th></tr></thead>
            <tbody>
            \(rows)
            </tbody></table>
            <script src="/status.js"></script>
            </body></html>
            """
        return html(body, status: .ok)
    }

    private func row(_ view: JobView, job: JobRecord) -> String {
        let fraction = view.state == "succeeded" ? 1 : (view.progress?.fraction_done ?? 0)
        let percent = Int((fraction * 100).rounded())
        var links: [String] = []
        if job.state == .succeeded {
            links.append("<a href=\"\(view.links.output)\">output</a>")
            links.append("<a href=\"\(view.links.quarantine)\">quarantine</a>")
        }
        if job.state.isFinal { links.append("<a href=\"\(view.links.summary)\">summary</a>") }
        let error = view.error.map { "<div class=\"error\">\(escape($0))</div>" } ?? ""
        return """
            <tr class="job state-\(view.state)" id="\(view.id)" data-state="\(view.state)" data-events="\(view.links.events)">
            <td><code>\(view.id)</code><div class="name">\(escape(view.name ?? ""))</div></td>
            <td class="state">\(view.state)\(error)</td>
            <td><progress max="100" value="\(percent)">\(percent)%</progress> <span class="percent">\(percent)%</span></td>
            <td class="rows-read">\(view.counts.rows_read)</td>
            <td class="rows-written">\(view.counts.rows_written)</td>
            <td class="rows-quarantined">\(view.counts.rows_quarantined)</td>
            <td>\(links.joined(separator: " · "))</td>
            </tr>

            """
    }

    private func html(_ body: String, status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [
            .contentType: "text/html; charset=utf-8",
            .contentSecurityPolicy: "default-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'",
            .cacheControl: "no-store",
        ], body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// Text for an HTML element or attribute.
    static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
    private func escape(_ text: String) -> String { Self.escape(text) }

    static let signIn = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>BatchScore — sign in</title></head><body>
        <h1>BatchScore jobs</h1>
        <form method="get" action="/"><label>API token <input type="password" name="token" autocomplete="off"></label>
        <button type="submit">Show my jobs</button></form>
        <p>Create a token with <code>batchscore-server token create --data DIR --scope read</code>.</p>
        </body></html>
        """

    static let style = """
        body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
        table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.4em .6em;border-bottom:1px solid #ddd;vertical-align:top}
        td.rows-read,td.rows-written,td.rows-quarantined{text-align:right;font-variant-numeric:tabular-nums}
        .state-failed .state{color:#b00}.state-succeeded .state{color:#070}.error{font-size:12px;color:#b00;max-width:30em}
        .name{color:#666;font-size:12px}.meta{color:#555}progress{width:10em}.empty{color:#777}
        @media print{progress{display:none}}
        """

    /// Follows each unfinished job's event stream; reloads the page when one ends (its links change).
    static let script = """
        for (const row of document.querySelectorAll('tr.job')) {
          const state = row.dataset.state;
          if (state !== 'queued' && state !== 'running') continue;
          const events = new EventSource(row.dataset.events);
          const show = (job) => {
            row.dataset.state = job.state;
            row.querySelector('.state').textContent = job.state;
            const done = job.state === 'succeeded' ? 1 : ((job.progress && job.progress.fraction_done) || 0);
            const percent = Math.round(done * 100);
            row.querySelector('progress').value = percent;
            row.querySelector('.percent').textContent = percent + '%';
            row.querySelector('.rows-read').textContent = job.counts.rows_read;
            row.querySelector('.rows-written').textContent = job.counts.rows_written;
            row.querySelector('.rows-quarantined').textContent = job.counts.rows_quarantined;
          };
          events.addEventListener('progress', (e) => show(JSON.parse(e.data)));
          events.addEventListener('end', (e) => { show(JSON.parse(e.data)); events.close(); setTimeout(() => location.reload(), 300); });
        }
        """
}

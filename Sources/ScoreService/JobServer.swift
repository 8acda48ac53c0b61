import Foundation
import Hummingbird
import Logging
import ScoreRuntime
import ServiceLifecycle

/// `batchscore-server serve`: the HTTP API, the scheduler and the queue in one process, under
/// swift-service-lifecycle — SIGTERM or SIGINT stop taking jobs, let running jobs record their
/// checkpoints (they go back to the queue), then exit.
public enum JobServer {
    /// Runs until a shutdown signal. `onListening` gets the bound address ("127.0.0.1:PORT"),
    /// also printed on stdout as `listening on http://HOST:PORT`.
    public static func serve(_ config: ServeConfiguration, logger: Logger,
                             onListening: @escaping @Sendable (String) -> Void = { _ in }) async throws {
        let lock = try DataFolderLock(dataDirectory: config.dataDirectory)
        defer { lock.release() }
        let store = try JobStore(dataDirectory: config.dataDirectory)
        let state = ServiceState(config: config, store: store, logger: logger)
        let scheduler = JobScheduler(context: state)

        let router = Router(context: ServiceRequestContext.self)
        router.add(middleware: RequestLogMiddleware(metrics: state.metrics))
        router.add(middleware: ProblemMiddleware())
        OpsRoutes(state: state).register(on: router)
        StatusPage(state: state).register(on: router)
        let v1 = router.group("/v1").add(middleware: AuthMiddleware(store: store))
        JobRoutes(state: state, scheduler: scheduler).register(on: v1)

        let app = Application(
            router: router,
            configuration: .init(address: .hostname(config.host, port: config.port), serverName: "batchscore"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? config.port
                let address = "\(config.host.contains(":") ? "[\(config.host)]" : config.host):\(port)"
                FileHandle.standardOutput.write(Data("listening on http://\(address)\n".utf8))
                logger.notice("listening", metadata: ["address": "\(address)", "data": "\(config.dataDirectory)"])
                onListening(address)
            },
            logger: logger)
        let group = ServiceGroup(configuration: .init(
            services: [
                // The scheduler stops first (its jobs checkpoint), the HTTP server last.
                .init(service: app),
                .init(service: scheduler, successTerminationBehavior: .gracefullyShutdownGroup),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
    }
}

/// Only one server per data folder: a second would run the same queued jobs. An advisory lock
/// on `DATA/server.lock` (released by the kernel when the process dies, also by `kill -9`).
final class DataFolderLock: Sendable {
    private let descriptor: Int32

    init(dataDirectory: String) throws {
        let path = dataDirectory + "/server.lock"
        descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw ServiceSetupError("cannot open \(path): \(String(cString: strerror(errno)))") }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw ServiceSetupError("another batchscore-server is serving \(dataDirectory); stop it first, or give this one its own --data")
        }
    }

    func release() {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}

/// `/healthz`, `/readyz`, `/metrics`, `/openapi.yaml`: public, for orchestrators and scrapers.
struct OpsRoutes {
    let state: ServiceState

    func register(on router: Router<ServiceRequestContext>) {
        router.get("/healthz") { _, _ in ServiceJSON.response(["status": "ok"]) }
        router.get("/readyz") { _, _ in
            struct Readiness: Encodable {
                var ready: Bool
                var database_writable: Bool
                var free_disk_bytes: Int64
                var min_free_disk_bytes: Int64
            }
            let writable = await state.store.isWritable()
            let free = Self.freeBytes(at: state.config.dataDirectory)
            let ready = writable && free >= state.config.minFreeDiskBytes
            return ServiceJSON.response(Readiness(ready: ready, database_writable: writable, free_disk_bytes: free,
                                                  min_free_disk_bytes: state.config.minFreeDiskBytes),
                                        status: ready ? .ok : .serviceUnavailable)
        }
        router.get("/metrics") { _, _ in
            let counts = try await state.store.countsByState()
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(bytes: state.metrics.exposition(jobsByState: counts))))
        }
        router.get("/openapi.yaml") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/yaml"],
                     body: .init(byteBuffer: ByteBuffer(bytes: PackageResources.openapi_yaml)))
        }
    }

    /// Free bytes on the data folder's file system.
    static func freeBytes(at path: String) -> Int64 {
        var fs = statvfs()
        guard statvfs(path, &fs) == 0 else { return 0 }
        return Int64(fs.f_bavail) * Int64(fs.f_frsize)
    }
}

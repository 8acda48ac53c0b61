// libFuzzer entry point for the 'postgres-url' target; the body is FuzzTargets.postgresURL (Sources/ScoreFuzzTargets).
// Built by fuzz/run.sh: swiftc -sanitize=fuzzer,address -parse-as-library (no main: libFuzzer's).
import ScoreFuzzTargets

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = size == 0 || data == nil ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    FuzzTargets.postgresURL(bytes)
    return 0
}

// libFuzzer entry point for the 'spec' target; the body is FuzzTargets.spec (Sources/ScoreFuzzTargets).
// Built by fuzz/run.sh: swiftc -sanitize=fuzzer,address -parse-as-library (no main: libFuzzer's).
import ScoreFuzzTargets

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = size == 0 || data == nil ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    FuzzTargets.spec(bytes)
    return 0
}

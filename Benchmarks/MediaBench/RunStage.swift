import Conveyor
import ConveyorTesting
import ConveyorVideoDownload

/// Runs the download stage once with a real context and its own budget; returns the bytes downloaded.
func runStage(_ stage: DownloadVideo<String>, _ url: String, limits: MemoryLimits) async throws -> Int {
    let run = await HandlerTester(memory: limits).run(stage, url)
    return try run.output().byteCount
}

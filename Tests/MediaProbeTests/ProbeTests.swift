import CFFmpeg
import Conveyor
import ConveyorCurl
import ConveyorMediaProbe
import ConveyorTesting
import ConveyorVideoDownload
import Foundation
import TestSupport
import Testing

/// A fixture read into memory, as the download stage would leave it.
func buffer(_ name: String) async throws -> MemoryBuffer {
    let buffer = try await MemoryBudget().makeBuffer(label: "Video")
    try await buffer.append(contentsOf: try FixturePaths.mediaBytes(name))
    return buffer
}

/// Width and height of a JPEG decoded by libavcodec, or `nil` if it does not decode.
func decodeJPEG(_ jpeg: [UInt8]) -> (Int, Int)? {
    guard let decoder = avcodec_find_decoder(AV_CODEC_ID_MJPEG) else { return nil }
    var context = avcodec_alloc_context3(decoder)
    var packet = av_packet_alloc()
    var frame = av_frame_alloc()
    defer {
        avcodec_free_context(&context)
        av_packet_free(&packet)
        av_frame_free(&frame)
    }
    guard let context, let packet, let frame, avcodec_open2(context, decoder, nil) >= 0 else { return nil }
    return jpeg.withUnsafeBytes { bytes -> (Int, Int)? in
        packet.pointee.data = UnsafeMutablePointer(mutating: bytes.baseAddress!.assumingMemoryBound(to: UInt8.self))
        packet.pointee.size = Int32(bytes.count)
        defer { packet.pointee.data = nil; packet.pointee.size = 0 }
        guard avcodec_send_packet(context, packet) >= 0, avcodec_receive_frame(context, frame) >= 0 else { return nil }
        return (Int(frame.pointee.width), Int(frame.pointee.height))
    }
}

struct Expected: Sendable, CustomStringConvertible {
    var file: String
    var format: String
    var size: (Int, Int)?
    var video: String?
    var audio: String?
    var fps: Double?
    var duration: Double
    var rotation = 0
    var faststart: Bool?
    var thumbnail: (Int, Int)?
    var description: String { file }
}

@Suite("MediaProbe: metadata and thumbnails from memory")
struct ProbeTests {
    static let fixtures: [Expected] = [
        Expected(file: "faststart.mp4", format: "mp4", size: (320, 240), video: "h264", audio: "aac", fps: 25, duration: 2, faststart: true, thumbnail: (320, 240)),
        Expected(file: "moov-at-end.mp4", format: "mp4", size: (640, 360), video: "h264", audio: "aac", fps: 30, duration: 3, faststart: false, thumbnail: (320, 180)),
        Expected(file: "fragmented.mp4", format: "mp4", size: (320, 180), video: "h264", audio: nil, fps: 24, duration: 2, faststart: true, thumbnail: (320, 180)),
        Expected(file: "rotated.mp4", format: "mp4", size: (320, 240), video: "h264", audio: "aac", fps: 25, duration: 1, rotation: 90, faststart: true, thumbnail: (240, 320)),
        Expected(file: "video.webm", format: "webm", size: (320, 180), video: "vp9", audio: "opus", fps: 25, duration: 2, faststart: nil, thumbnail: (320, 180)),
        Expected(file: "audio-only.m4a", format: "m4a", size: nil, video: nil, audio: "aac", fps: nil, duration: 2, faststart: false, thumbnail: nil),
    ]

    @Test("each fixture: exact size, codecs, rate, rotation, layout; duration within 0.1 s; a JPEG thumbnail", arguments: fixtures)
    func fixture(_ expected: Expected) async throws {
        let (info, thumbnail) = try await MediaProber().probe(try await buffer(expected.file))
        #expect(info.format == expected.format)
        #expect(info.width == expected.size?.0 && info.height == expected.size?.1)
        #expect(info.videoCodec == expected.video)
        #expect(info.audioCodec == expected.audio)
        #expect(info.frameRate == expected.fps)
        #expect(abs((info.duration ?? -1) - expected.duration) <= 0.1)
        #expect(info.rotation == expected.rotation)
        #expect(info.faststart == expected.faststart)
        #expect((info.bitRate ?? 0) > 0)
        if let size = expected.thumbnail {
            let thumbnail = try #require(thumbnail)
            #expect(Array(thumbnail.jpeg.prefix(3)) == [0xFF, 0xD8, 0xFF])
            #expect(thumbnail.jpeg.count < 200_000)
            #expect(thumbnail.width == size.0 && thumbnail.height == size.1)
            let decoded = try #require(decodeJPEG(thumbnail.jpeg))
            #expect(decoded == size)
        } else {
            #expect(thumbnail == nil)
        }
    }

    @Test("corrupt and non-media bytes fail permanently with FFmpeg's reason",
          arguments: [("truncated.mp4", "moov atom not found"), ("not-a-video.txt", "Invalid data found when processing input")])
    func corrupt(file: String, reason: String) async throws {
        do {
            _ = try await MediaProber().probe(try await buffer(file))
            Issue.record("\(file) was read")
        } catch let error as JobError {
            #expect(error.isPermanent)
            #expect(error.code == "unreadable_media")
            #expect(error.message.hasPrefix("Unreadable media: "))
            #expect(error.message.contains(reason), "\(error.message)")
        }
    }

    @Test("a playlist cannot make FFmpeg open other files, even with its demuxer allowed")
    func noNestedOpens() async throws {
        let playlist = "#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n"
        var limits = ProbeLimits()
        limits.demuxers = "hls"
        let buffer = try await MemoryBudget().makeBuffer()
        try await buffer.append(contentsOf: Array(playlist.utf8))
        await #expect(throws: JobError.self) { try await MediaProber(limits: limits).probe(buffer) }
        // With the default list the HLS demuxer is not even considered.
        await #expect(throws: JobError.self) { try await MediaProber().probe(buffer) }
    }

    @Test("the time limit reaches FFmpeg through the interrupt callback: a retryable timeout")
    func timeLimit() async throws {
        var limits = ProbeLimits()
        limits.timeLimit = .zero
        do {
            _ = try await MediaProber(limits: limits).probe(try await buffer("moov-at-end.mp4"))
            Issue.record("the probe ignored its time limit")
        } catch let error as JobError {
            #expect(error.code == "probe_timeout")
            #expect(!error.isPermanent)
        }
    }

    @Test("the stage refuses a file without video; the media-probe job type accepts it")
    func audioOnly() async throws {
        let video = DownloadedVideo(request: "x", buffer: try await buffer("audio-only.m4a"), contentType: nil, sha256: "", sourceURL: "http://example/a.m4a")
        let run = await HandlerTester().run(ProbeMedia<String>(), video)
        guard case .failure(let error as JobError) = run.result else { Issue.record("no error"); return }
        #expect(error.code == "no_video_stream")
        #expect(error.isPermanent)
    }

    @Test("media-probe: a moov-at-end MP4 served chunked, downloaded and read from memory")
    func handler() async throws {
        let server = try await FixtureServer.start()
        let download = VideoDownloadConfiguration(destinations: .publicOnly(allowing: [try AddressRange("127.0.0.1")]))
        let run = await HandlerTester().run(MediaProbeHandler(download: download), .init(url: server.url("/chunked/moov-at-end.mp4")))
        let output = try run.output()
        #expect(output.info.width == 640)
        #expect(output.info.faststart == false)
        #expect(output.bytes == 112_433)
        let thumbnail = try #require(output.thumbnail)
        let jpeg = try #require(Data(base64Encoded: thumbnail.jpegBase64))
        let decoded = try #require(decodeJPEG(Array(jpeg)))
        #expect(decoded == (320, 180))
        #expect(run.progress.map(\.stage) .contains("probe"))
        #expect(run.progress.last?.percent == 100)
        #expect(run.progress.last?.message == "Read metadata: mp4 640×360, 3.0 s")
        #expect(run.memoryAfter == 0)
    }
}

import CFFmpeg
import Conveyor
import Foundation

/// One probe of a buffer with libavformat: open through `MemoryInput`, read the stream info,
/// then decode one early frame for the thumbnail. Synchronous — run it off the cooperative pool.
/// Every FFmpeg object is freed on every path by the `defer` next to its allocation.
struct MediaReader {
    let input: MemoryInput
    let limits: ProbeLimits

    /// Metadata and, when there is video, a thumbnail.
    func read() throws -> (MediaInfo, Thumbnail?) {
        let (result, _) = try FFmpegLog.capturing { () throws -> (MediaInfo, Thumbnail?) in
            guard let io = input.makeContext() else { throw failure(cffmpeg_averror(ENOMEM), "Opening media") }
            defer { MemoryInput.close(io) }
            guard var format = avformat_alloc_context() else { throw failure(cffmpeg_averror(ENOMEM), "Opening media") }
            format.pointee.pb = io
            format.pointee.flags |= AVFMT_FLAG_CUSTOM_IO
            format.pointee.interrupt_callback = input.interrupt
            format.pointee.format_whitelist = av_strdup(limits.demuxers)
            format.pointee.codec_whitelist = av_strdup(limits.decoders)
            format.pointee.protocol_whitelist = av_strdup("none")
            format.pointee.max_streams = limits.maxStreams
            // No nested opens: playlists, concat lists and references to other files are refused.
            format.pointee.io_open = { _, _, _, _, _ in cffmpeg_averror(EPERM) }

            var opened: UnsafeMutablePointer<AVFormatContext>? = format
            let status = avformat_open_input(&opened, nil, nil, nil)
            guard status >= 0, let context = opened else { throw failure(status, "Reading media") }  // FFmpeg freed it
            format = context
            defer { avformat_close_input(&opened) }

            let found = avformat_find_stream_info(format, nil)
            guard found >= 0 else { throw failure(found, "Reading media") }
            let info = describe(format)
            let video = av_find_best_stream(format, AVMEDIA_TYPE_VIDEO, -1, -1, nil, 0)
            guard video >= 0 else { return (info, nil) }
            let maker = ThumbnailMaker(format: format, streamIndex: video, rotation: info.rotation, limits: limits)
            return (info, try maker.make(reporting: failure))
        }
        return result
    }

    /// An error carrying FFmpeg's reason: its last log line if it wrote one, else the code's text.
    private func failure(_ code: Int32, _ step: String) -> MediaProbeError {
        if input.isCancelled { return MediaProbeError(code: code, step: step, detail: "cancelled") }
        if input.isPastDeadline { return MediaProbeError(code: code, step: step, detail: "took longer than \(DurationText.format(limits.timeLimit))") }
        return MediaProbeError(code: code, step: step, detail: FFmpegLog.current.last)
    }

    private func describe(_ format: UnsafeMutablePointer<AVFormatContext>) -> MediaInfo {
        let streams = (0..<Int(format.pointee.nb_streams)).compactMap { format.pointee.streams[$0] }
        let video = streams.first { $0.pointee.codecpar.pointee.codec_type == AVMEDIA_TYPE_VIDEO && $0.pointee.disposition & AV_DISPOSITION_ATTACHED_PIC == 0 }
        let audio = streams.first { $0.pointee.codecpar.pointee.codec_type == AVMEDIA_TYPE_AUDIO }
        let name = { (stream: UnsafeMutablePointer<AVStream>?) in stream.map { String(cString: avcodec_get_name($0.pointee.codecpar.pointee.codec_id)) } }

        let duration: Double? = format.pointee.duration == cffmpeg_nopts_value() || format.pointee.duration <= 0
            ? nil : Double(format.pointee.duration) / Double(cffmpeg_time_base())
        var bitRate: Int? = format.pointee.bit_rate > 0 ? Int(format.pointee.bit_rate) : nil
        if bitRate == nil, let duration, duration > 0 { bitRate = Int(Double(input.buffer.count * 8) / duration) }

        var frameRate: Double?
        var rotation = 0
        if let video {
            let rate = av_guess_frame_rate(format, video, nil)
            if rate.num > 0 && rate.den > 0 { frameRate = (Double(rate.num) / Double(rate.den) * 1000).rounded() / 1000 }
            var size = 0
            if let matrix = av_stream_get_side_data(video, AV_PKT_DATA_DISPLAYMATRIX, &size), size >= 36 {
                let degrees = matrix.withMemoryRebound(to: Int32.self, capacity: 9) { av_display_rotation_get($0) }
                // FFmpeg gives counter-clockwise degrees; people (and players' settings) count clockwise.
                if degrees.isFinite { rotation = ((Int((-degrees).rounded()) % 360) + 360) % 360 / 90 * 90 }
            }
        }
        return MediaInfo(
            format: containerName(format), duration: duration,
            width: video.map { Int($0.pointee.codecpar.pointee.width) }, height: video.map { Int($0.pointee.codecpar.pointee.height) },
            videoCodec: name(video), audioCodec: name(audio), bitRate: bitRate, frameRate: frameRate, rotation: rotation,
            faststart: format.pointee.iformat.pointee.name.map { String(cString: $0).hasPrefix("mov,") } == true
                ? ContainerLayout.isFaststart(input.buffer) : nil)
    }

    private func containerName(_ format: UnsafeMutablePointer<AVFormatContext>) -> String {
        let demuxer = format.pointee.iformat.pointee.name.map { String(cString: $0) } ?? "unknown"
        if demuxer.hasPrefix("mov,") {
            let brand = av_dict_get(format.pointee.metadata, "major_brand", nil, 0).map { String(cString: $0.pointee.value) }
            switch brand?.trimmingCharacters(in: .whitespaces) {
            case "qt": return "mov"
            case "M4A", "M4B": return "m4a"
            default: return "mp4"
            }
        }
        if demuxer.hasPrefix("matroska") { return ContainerLayout.isWebM(input.buffer) ? "webm" : "matroska" }
        return demuxer.split(separator: ",").first.map(String.init) ?? demuxer
    }
}

import CFFmpeg
import Conveyor

/// Decodes one early frame of a video stream, scales it so its longest side fits, turns it
/// upright and encodes it as JPEG.
struct ThumbnailMaker {
    let format: UnsafeMutablePointer<AVFormatContext>
    let streamIndex: Int32
    let rotation: Int
    let limits: ProbeLimits

    /// Packets read looking for a decodable frame before giving up.
    private static let maxPackets = 3000

    func make(reporting failure: (Int32, String) -> MediaProbeError) throws -> Thumbnail {
        guard let stream = format.pointee.streams[Int(streamIndex)], let parameters = stream.pointee.codecpar else {
            throw failure(cffmpeg_averror(EINVAL), "Decoding video")
        }
        guard let decoder = avcodec_find_decoder(parameters.pointee.codec_id) else {
            throw failure(cffmpeg_averror(ENOSYS), "Decoding video: no decoder for \(String(cString: avcodec_get_name(parameters.pointee.codec_id)))")
        }
        var context = avcodec_alloc_context3(decoder)
        guard let codec = context else { throw failure(cffmpeg_averror(ENOMEM), "Decoding video") }
        defer { avcodec_free_context(&context) }
        var status = avcodec_parameters_to_context(codec, parameters)
        guard status >= 0 else { throw failure(status, "Decoding video") }
        codec.pointee.thread_count = 1
        codec.pointee.codec_whitelist = av_strdup(limits.decoders)
        status = avcodec_open2(codec, decoder, nil)
        guard status >= 0 else { throw failure(status, "Decoding video") }

        seekToEarlyFrame(stream)
        var frame = av_frame_alloc()
        var packet = av_packet_alloc()
        defer {
            av_frame_free(&frame)
            av_packet_free(&packet)
        }
        guard let frame, let packet else { throw failure(cffmpeg_averror(ENOMEM), "Decoding video") }
        status = decodeFirstFrame(codec, frame, packet)
        guard status >= 0 else { throw failure(status, "Decoding video: no frame could be decoded") }
        return try encode(frame, sampleAspect: parameters.pointee.sample_aspect_ratio, reporting: failure)
    }

    /// One second in, or a tenth of the way for short videos: the first frame is often black.
    private func seekToEarlyFrame(_ stream: UnsafeMutablePointer<AVStream>) {
        let total = format.pointee.duration
        guard total != cffmpeg_nopts_value(), total > 0 else { return }
        let target = min(Int64(cffmpeg_time_base()), total / 10)
        let timestamp = av_rescale_q(target, AVRational(num: 1, den: cffmpeg_time_base()), stream.pointee.time_base)
        if av_seek_frame(format, streamIndex, timestamp, AVSEEK_FLAG_BACKWARD) < 0 {
            _ = av_seek_frame(format, streamIndex, 0, AVSEEK_FLAG_BACKWARD)
        }
    }

    private func decodeFirstFrame(_ codec: UnsafeMutablePointer<AVCodecContext>, _ frame: UnsafeMutablePointer<AVFrame>, _ packet: UnsafeMutablePointer<AVPacket>) -> Int32 {
        var lastError = cffmpeg_averror_eof()
        for _ in 0..<Self.maxPackets {
            let read = av_read_frame(format, packet)
            if read < 0 {
                if read != cffmpeg_averror_eof() { lastError = read }
                break
            }
            defer { av_packet_unref(packet) }
            guard packet.pointee.stream_index == streamIndex else { continue }
            let sent = avcodec_send_packet(codec, packet)
            if sent < 0 && sent != cffmpeg_averror_eagain() { lastError = sent; continue }
            let received = avcodec_receive_frame(codec, frame)
            if received >= 0 { return received }
            if received != cffmpeg_averror_eagain() { lastError = received }
        }
        // Frames the decoder still holds (B-frame reordering, or the end of a short file).
        _ = avcodec_send_packet(codec, nil)
        let received = avcodec_receive_frame(codec, frame)
        return received >= 0 ? received : lastError
    }

    private func encode(_ source: UnsafeMutablePointer<AVFrame>, sampleAspect: AVRational, reporting failure: (Int32, String) -> MediaProbeError) throws -> Thumbnail {
        let (width, height) = scaledSize(width: Int(source.pointee.width), height: Int(source.pointee.height), sampleAspect: sampleAspect)
        var scaled = av_frame_alloc()
        defer { av_frame_free(&scaled) }
        guard let scaled else { throw failure(cffmpeg_averror(ENOMEM), "Making the thumbnail") }
        scaled.pointee.width = Int32(width)
        scaled.pointee.height = Int32(height)
        scaled.pointee.format = AV_PIX_FMT_YUVJ420P.rawValue
        var status = av_frame_get_buffer(scaled, 0)
        guard status >= 0 else { throw failure(status, "Making the thumbnail") }

        let scaler = sws_getContext(
            source.pointee.width, source.pointee.height, AVPixelFormat(rawValue: source.pointee.format), Int32(width), Int32(height),
            AV_PIX_FMT_YUVJ420P, SWS_AREA, nil, nil, nil)
        guard let scaler else { throw failure(cffmpeg_averror(EINVAL), "Making the thumbnail: unsupported pixel format") }
        defer { sws_freeContext(scaler) }
        status = sws_scale_frame(scaler, scaled, source)
        guard status >= 0 else { throw failure(status, "Making the thumbnail") }

        var upright = rotation == 0 ? nil : PlaneRotation.rotated(scaled, degrees: rotation)
        defer { av_frame_free(&upright) }
        let picture = upright ?? scaled

        var quality: Int32 = 3
        while true {
            let jpeg = try encodeJPEG(picture, quality: quality, reporting: failure)
            if jpeg.count < limits.thumbnailMaxBytes || quality >= 31 {
                return Thumbnail(width: Int(picture.pointee.width), height: Int(picture.pointee.height), jpeg: jpeg)
            }
            quality = min(31, quality + 6)
        }
    }

    /// Display size (sample aspect applied) scaled so the longest side fits; even, as 4:2:0 needs.
    private func scaledSize(width: Int, height: Int, sampleAspect: AVRational) -> (Int, Int) {
        var displayWidth = Double(width)
        if sampleAspect.num > 0 && sampleAspect.den > 0 { displayWidth *= Double(sampleAspect.num) / Double(sampleAspect.den) }
        let scale = min(1, Double(limits.thumbnailSize) / max(displayWidth, Double(height)))
        let even = { (value: Double) in max(2, Int((value * scale / 2).rounded(.down)) * 2) }
        return (even(displayWidth), even(Double(height)))
    }

    private func encodeJPEG(_ picture: UnsafeMutablePointer<AVFrame>, quality: Int32, reporting failure: (Int32, String) -> MediaProbeError) throws -> [UInt8] {
        guard let encoder = avcodec_find_encoder(AV_CODEC_ID_MJPEG) else { throw failure(cffmpeg_averror(ENOSYS), "Encoding the thumbnail") }
        var context = avcodec_alloc_context3(encoder)
        var packet = av_packet_alloc()
        defer {
            avcodec_free_context(&context)
            av_packet_free(&packet)
        }
        guard let codec = context, let packet else { throw failure(cffmpeg_averror(ENOMEM), "Encoding the thumbnail") }
        codec.pointee.width = picture.pointee.width
        codec.pointee.height = picture.pointee.height
        codec.pointee.pix_fmt = AV_PIX_FMT_YUVJ420P
        codec.pointee.time_base = AVRational(num: 1, den: 25)
        codec.pointee.flags |= AV_CODEC_FLAG_QSCALE
        codec.pointee.global_quality = quality * cffmpeg_qp2lambda()
        var status = avcodec_open2(codec, encoder, nil)
        guard status >= 0 else { throw failure(status, "Encoding the thumbnail") }
        picture.pointee.quality = codec.pointee.global_quality
        picture.pointee.pts = 0
        status = avcodec_send_frame(codec, picture)
        if status >= 0 { status = avcodec_receive_packet(codec, packet) }
        guard status >= 0, let data = packet.pointee.data else { throw failure(status, "Encoding the thumbnail") }
        defer { av_packet_unref(packet) }
        return Array(UnsafeBufferPointer(start: data, count: Int(packet.pointee.size)))
    }
}

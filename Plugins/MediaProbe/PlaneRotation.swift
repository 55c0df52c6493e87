import CFFmpeg

/// Turns a planar 4:2:0 frame by 90, 180 or 270 degrees clockwise into a new frame, so the
/// thumbnail of a portrait phone video is upright.
enum PlaneRotation {
    static func rotated(_ source: UnsafeMutablePointer<AVFrame>, degrees: Int) -> UnsafeMutablePointer<AVFrame>? {
        let width = Int(source.pointee.width)
        let height = Int(source.pointee.height)
        let quarter = degrees % 180 != 0
        guard let frame = av_frame_alloc() else { return nil }
        frame.pointee.width = Int32(quarter ? height : width)
        frame.pointee.height = Int32(quarter ? width : height)
        frame.pointee.format = source.pointee.format
        guard av_frame_get_buffer(frame, 0) >= 0 else {
            var owned: UnsafeMutablePointer<AVFrame>? = frame
            av_frame_free(&owned)
            return nil
        }
        withPlanes(source) { sourcePlanes, sourceStrides in
            withPlanes(frame) { targetPlanes, targetStrides in
                for plane in 0..<3 {
                    let (w, h) = plane == 0 ? (width, height) : (width / 2, height / 2)
                    guard let from = sourcePlanes[plane], let to = targetPlanes[plane] else { continue }
                    let (fromStride, toStride) = (sourceStrides[plane], targetStrides[plane])
                    for y in 0..<h {
                        for x in 0..<w {
                            let (tx, ty) = switch degrees {
                            case 90: (h - 1 - y, x)
                            case 180: (w - 1 - x, h - 1 - y)
                            default: (y, w - 1 - x)
                            }
                            to[ty * toStride + tx] = from[y * fromStride + x]
                        }
                    }
                }
            }
        }
        return frame
    }

    private static func withPlanes(_ frame: UnsafeMutablePointer<AVFrame>, _ body: ([UnsafeMutablePointer<UInt8>?], [Int]) -> Void) {
        let data = frame.pointee.data
        let lines = frame.pointee.linesize
        body([data.0, data.1, data.2], [Int(lines.0), Int(lines.1), Int(lines.2)])
    }
}

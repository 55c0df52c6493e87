import Foundation

/// The file name and content type a video is uploaded under: the source's file name when it has
/// a usable one, with the extension of what the probe found, so Telegram shows and plays it right.
struct VideoFileName {
    let name: String
    let contentType: String

    init(format: String, sourceURL: String, contentType: String?) {
        let (fileExtension, type): (String, String?) =
            switch format {
            case "mp4", "m4a": ("mp4", "video/mp4")
            case "mov": ("mov", "video/quicktime")
            case "webm": ("webm", "video/webm")
            case "matroska": ("mkv", "video/x-matroska")
            default: ("bin", nil)
            }
        let last = URLComponents(string: sourceURL)?.path.split(separator: "/").last.map(String.init) ?? ""
        var stem = String((last as NSString).deletingPathExtension.unicodeScalars.filter { scalar in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "-_.".unicodeScalars.contains(scalar))
        }.prefix(60))
        if stem.isEmpty { stem = "video" }
        name = "\(stem).\(fileExtension)"
        self.contentType = type ?? contentType ?? "application/octet-stream"
    }
}

import CCurl
import Foundation
import Synchronization

/// One easy handle and everything its callbacks touch.
///
/// Safe to send: once handed to the engine, its mutable state is used only by the engine thread (libcurl
/// calls every callback there); other threads touch only `cancelRequested` (a Mutex) and
/// `events` (an AsyncStream continuation, itself Sendable).
final class CurlTransfer: @unchecked Sendable {
    enum Event: Sendable {
        case needsRoom(Int)
        case finished(Result<CurlResponse, any Error>)
    }

    let easy: UnsafeMutableRawPointer
    let events: AsyncStream<Event>.Continuation
    let cancelRequested = Mutex(false)
    private let request: CurlRequest
    private let sink: (any CurlBodySink)?
    private let displayURL: String
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
    private var lists: [UnsafeMutablePointer<curl_slist>] = []
    private var mime: OpaquePointer?
    private var readers: [SourceReader] = []
    private var headerLines: [(name: String, value: String)] = []
    private var collected: [UInt8] = []
    private var began = false
    private var failure: (any Error)?
    private var refusedDestination: String?
    /// SMTP: the recipient whose `RCPT TO` awaits its reply, and the replies so far.
    private var pendingRecipient: String?
    private var recipientReplies: [MailRecipientReply] = []

    init(request: CurlRequest, sink: (any CurlBodySink)?, events: AsyncStream<Event>.Continuation) throws {
        guard let easy = curl_easy_init() else {
            throw CurlError(code: "curl_init_failed", message: "libcurl could not create a transfer", isPermanent: false)
        }
        self.easy = easy
        self.request = request
        self.sink = sink
        self.events = events
        self.displayURL = request.redactedURL
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        do {
            try configure()
        } catch {
            cleanUp()
            throw error
        }
    }

    deinit { errorBuffer.deallocate() }

    // MARK: Configuration

    private func configure() throws {
        let me = Unmanaged.passUnretained(self).toOpaque()
        try set(CURLOPT_URL, request.url)
        try set(CURLOPT_NOSIGNAL, 1)
        try set(CURLOPT_PRIVATE, me)
        try check(ccurl_setopt_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer))
        try set(CURLOPT_CONNECTTIMEOUT_MS, Int(request.connectTimeout.milliseconds))
        try set(CURLOPT_LOW_SPEED_LIMIT, request.lowSpeedLimit)
        try set(CURLOPT_LOW_SPEED_TIME, max(1, Int(request.lowSpeedTime.milliseconds / 1000)))
        if let total = request.totalTimeout { try set(CURLOPT_TIMEOUT_MS, Int(total.milliseconds)) }
        try set(CURLOPT_BUFFERSIZE, 256 * 1024)
        try set(CURLOPT_USERAGENT, "Conveyor/1")
        if let caFile = request.caFile { try set(CURLOPT_CAINFO, caFile) }

        try check(ccurl_setopt_write(easy, Self.onWrite))
        try set(CURLOPT_WRITEDATA, me)
        try check(ccurl_setopt_header(easy, Self.onHeader))
        try set(CURLOPT_HEADERDATA, me)
        try check(ccurl_setopt_opensocket(easy, Self.onOpenSocket))
        try set(CURLOPT_OPENSOCKETDATA, me)
        // The guard runs when a socket opens; a pooled connection opened for a transfer with a
        // looser policy would skip it, so guarded transfers always open their own.
        if !request.destinations.allowsPrivate { try set(CURLOPT_FRESH_CONNECT, 1) }
        if request.onProgress != nil {
            try check(ccurl_setopt_xferinfo(easy, Self.onProgress))
            try set(CURLOPT_XFERINFODATA, me)
            try set(CURLOPT_NOPROGRESS, 0)
        }

        if let mail = request.mail {
            try configureMail(mail)
        } else {
            try configureHTTP()
        }
    }

    private func configureHTTP() throws {
        try set(CURLOPT_PROTOCOLS_STR, "http,https")
        try set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        try set(CURLOPT_FOLLOWLOCATION, request.maxRedirects > 0 ? 1 : 0)
        try set(CURLOPT_MAXREDIRS, request.maxRedirects)
        var headers = request.headers.map { "\($0.name): \($0.value)" }
        switch request.body {
        case .none:
            break
        case .bytes(let bytes, let contentType):
            headers.append("Content-Type: \(contentType)")
            try set(CURLOPT_POSTFIELDSIZE_LARGE, offset: bytes.count)
            try bytes.withUnsafeBytes { try check(ccurl_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: $0.baseAddress ?? UnsafeRawPointer(errorBuffer)))) }
        case .multipart(let parts):
            try configureMultipart(parts)
        }
        if let method = request.method { try set(CURLOPT_CUSTOMREQUEST, method) }
        if !headers.isEmpty { try set(CURLOPT_HTTPHEADER, list: headers) }
    }

    private func configureMultipart(_ parts: [MultipartPart]) throws {
        guard let mime = curl_mime_init(easy) else {
            throw CurlError(code: "curl_init_failed", message: "libcurl could not create a multipart body", isPermanent: false)
        }
        self.mime = mime
        for part in parts {
            let handle = curl_mime_addpart(mime)
            try check(curl_mime_name(handle, part.name))
            switch part.content {
            case .text(let value):
                try check(curl_mime_data(handle, value, Int(CURL_ZERO_TERMINATED)))
            case .stream(let source, let filename, let contentType):
                let reader = SourceReader(source)
                readers.append(reader)
                let pointer = Unmanaged.passUnretained(reader).toOpaque()
                try check(curl_mime_data_cb(handle, curl_off_t(source.byteCount), SourceReader.onRead, SourceReader.onSeek, nil, pointer))
                try check(curl_mime_filename(handle, filename))
                try check(curl_mime_type(handle, contentType))
            }
        }
        try check(ccurl_setopt_pointer(easy, CURLOPT_MIMEPOST, UnsafeMutableRawPointer(mime)))
    }

    private func configureMail(_ mail: MailEnvelope) throws {
        try set(CURLOPT_PROTOCOLS_STR, "smtp,smtps")
        try set(CURLOPT_FOLLOWLOCATION, 0)
        try set(CURLOPT_MAIL_FROM, "<\(mail.from)>")
        try set(CURLOPT_MAIL_RCPT, list: mail.recipients.map { "<\($0)>" })
        try set(CURLOPT_MAIL_RCPT_ALLLOWFAILS, 1)
        // libcurl may hand a pooled SMTP connection to a transfer with other TLS demands (a clear
        // `tls=none` session to one that requires STARTTLS): every send gets a session of its own.
        try set(CURLOPT_FRESH_CONNECT, 1)
        try set(CURLOPT_FORBID_REUSE, 1)
        try set(CURLOPT_USE_SSL, mail.requiresTLS ? Int(CURLUSESSL_ALL.rawValue) : Int(CURLUSESSL_NONE.rawValue))
        if let username = mail.username { try set(CURLOPT_USERNAME, username) }
        if let password = mail.password { try set(CURLOPT_PASSWORD, password) }
        let reader = SourceReader(ArrayByteSource(mail.message))
        readers.append(reader)
        try check(ccurl_setopt_read(easy, SourceReader.onRead))
        try set(CURLOPT_READDATA, Unmanaged.passUnretained(reader).toOpaque())
        try set(CURLOPT_UPLOAD, 1)
        try set(CURLOPT_INFILESIZE_LARGE, offset: mail.message.count)
        // The protocol trace is the only place libcurl shows each RCPT's reply.
        try check(ccurl_setopt_debug(easy, Self.onDebug))
        try set(CURLOPT_DEBUGDATA, Unmanaged.passUnretained(self).toOpaque())
        try set(CURLOPT_VERBOSE, 1)
    }

    private func set(_ option: CURLoption, _ value: Int) throws { try check(ccurl_setopt_long(easy, option, value)) }
    private func set(_ option: CURLoption, offset value: Int) throws { try check(ccurl_setopt_off(easy, option, curl_off_t(value))) }
    private func set(_ option: CURLoption, _ value: String) throws { try check(ccurl_setopt_string(easy, option, value)) }
    private func set(_ option: CURLoption, _ value: UnsafeMutableRawPointer) throws { try check(ccurl_setopt_pointer(easy, option, value)) }

    private func set(_ option: CURLoption, list items: [String]) throws {
        var list: UnsafeMutablePointer<curl_slist>?
        for item in items {
            guard let next = curl_slist_append(list, item) else {
                curl_slist_free_all(list)
                throw CurlError(code: "curl_init_failed", message: "libcurl could not build a list", isPermanent: false)
            }
            list = next
        }
        guard let list else { return }
        lists.append(list)
        try check(ccurl_setopt_pointer(easy, option, UnsafeMutableRawPointer(list)))
    }

    private func check(_ code: CURLcode) throws {
        guard code == CURLE_OK else { throw CurlError(code, detail: "", url: displayURL) }
    }

    // MARK: Engine-thread life

    /// Builds the outcome once libcurl reports the transfer done.
    func outcome(_ code: CURLcode) -> Result<CurlResponse, any Error> {
        if let failure { return .failure(failure) }
        if let refusedDestination {
            return .failure(CurlError(
                code: "destination_refused",
                message: "\(displayURL): refused to connect: \(refusedDestination) (allow it with CONVEYOR_ALLOW_PRIVATE_URLS)",
                isPermanent: true))
        }
        guard code == CURLE_OK else {
            let detail = String(cString: errorBuffer)
            var error = CurlError(code, detail: URLRedaction.redactSecrets(in: detail, request.secrets), url: displayURL)
            let reply = longInfo(CURLINFO_RESPONSE_CODE)
            error.responseCode = reply > 0 ? reply : nil
            error.mailReplies = recipientReplies
            return .failure(error)
        }
        return .success(CurlResponse(
            status: longInfo(CURLINFO_RESPONSE_CODE), headers: headerLines, body: collected,
            bytesReceived: offInfo(CURLINFO_SIZE_DOWNLOAD_T), redirects: longInfo(CURLINFO_REDIRECT_COUNT),
            mailReplies: recipientReplies))
    }

    /// Ends the transfer with `error` at the next chance (from a sink's failed `makeRoom`).
    func fail(with error: any Error) {
        if failure == nil { failure = error }
    }

    /// Frees every libcurl object; the handle must be out of the multi handle.
    func cleanUp() {
        curl_easy_cleanup(easy)
        if let mime { curl_mime_free(mime) }
        mime = nil
        for list in lists { curl_slist_free_all(list) }
        lists = []
    }

    private func longInfo(_ info: CURLINFO) -> Int {
        var value = 0
        _ = ccurl_getinfo_long(easy, info, &value)
        return value
    }

    private func offInfo(_ info: CURLINFO) -> Int {
        var value: curl_off_t = 0
        _ = ccurl_getinfo_off(easy, info, &value)
        return Int(value)
    }

    // MARK: Callbacks (engine thread)

    private func received(_ bytes: UnsafeRawBufferPointer) -> Int {
        if failure != nil { return 0 }
        guard let sink else {
            guard collected.count + bytes.count <= request.maxCollectedBody else {
                failure = CurlError(
                    code: "response_too_large", message: "\(displayURL): response body is larger than \(request.maxCollectedBody) bytes",
                    isPermanent: true)
                return 0
            }
            collected.append(contentsOf: bytes)
            return bytes.count
        }
        if !began {
            began = true
            let length = offInfo(CURLINFO_CONTENT_LENGTH_DOWNLOAD_T)
            do {
                try sink.begin(CurlResponseHead(
                    status: longInfo(CURLINFO_RESPONSE_CODE), headers: headerLines, expectedLength: length >= 0 ? length : nil))
            } catch {
                failure = error
                return 0
            }
        }
        if sink.write(bytes) { return bytes.count }
        events.yield(.needsRoom(bytes.count))
        return Int(CURL_WRITEFUNC_PAUSE)
    }

    private func receivedHeader(_ line: UnsafeRawBufferPointer) {
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("HTTP/") {
            headerLines = []
        } else if let colon = text.firstIndex(of: ":") {
            let name = text[..<colon].trimmingCharacters(in: .whitespaces)
            let value = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headerLines.append((name: name, value: value))
        }
    }

    /// Pairs each `RCPT TO:<address>` libcurl sends with the final line of the reply after it.
    /// Nothing else of the trace is kept (it also carries the AUTH exchange).
    private func traced(_ type: curl_infotype, _ data: UnsafeRawBufferPointer) {
        if type == CURLINFO_HEADER_OUT {
            let command = String(decoding: data.prefix(512), as: UTF8.self)
            pendingRecipient = nil
            if command.uppercased().hasPrefix("RCPT TO:<"), let end = command.firstIndex(of: ">") {
                pendingRecipient = String(command[command.index(command.startIndex, offsetBy: 9)..<end])
            }
        } else if type == CURLINFO_HEADER_IN, let recipient = pendingRecipient {
            for line in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline) {
                // "250 OK" ends a reply; "250-…" continues it.
                guard line.count >= 4, let code = Int(line.prefix(3)), line.dropFirst(3).first == " " else { continue }
                recipientReplies.append(MailRecipientReply(address: recipient, code: code, text: String(line.dropFirst(4))))
                pendingRecipient = nil
            }
        }
    }

    private func openSocket(_ address: UnsafeMutablePointer<curl_sockaddr>) -> curl_socket_t {
        let refusal = withUnsafePointer(to: &address.pointee.addr) { pointer in
            IPAddress(socketAddress: pointer).flatMap { request.destinations.refusal(for: $0) }
        }
        if let refusal {
            refusedDestination = refusal
            return CURL_SOCKET_BAD
        }
        return socket(address.pointee.family, address.pointee.socktype, address.pointee.protocol)
    }

    private static let onWrite: curl_write_callback = { data, size, count, context in
        let transfer = Unmanaged<CurlTransfer>.fromOpaque(context!).takeUnretainedValue()
        return transfer.received(UnsafeRawBufferPointer(start: data, count: size * count))
    }

    private static let onHeader: curl_write_callback = { data, size, count, context in
        let transfer = Unmanaged<CurlTransfer>.fromOpaque(context!).takeUnretainedValue()
        transfer.receivedHeader(UnsafeRawBufferPointer(start: data, count: size * count))
        return size * count
    }

    private static let onDebug: curl_debug_callback = { _, type, data, size, context in
        let transfer = Unmanaged<CurlTransfer>.fromOpaque(context!).takeUnretainedValue()
        transfer.traced(type, UnsafeRawBufferPointer(start: data, count: size))
        return 0
    }

    private static let onOpenSocket: curl_opensocket_callback = { context, _, address in
        let transfer = Unmanaged<CurlTransfer>.fromOpaque(context!).takeUnretainedValue()
        return transfer.openSocket(address!)
    }

    private static let onProgress: curl_xferinfo_callback = { context, downloadTotal, downloaded, uploadTotal, uploaded in
        let transfer = Unmanaged<CurlTransfer>.fromOpaque(context!).takeUnretainedValue()
        transfer.request.onProgress?(CurlProgress(
            downloadTotal: Int(downloadTotal), downloaded: Int(downloaded), uploadTotal: Int(uploadTotal), uploaded: Int(uploaded)))
        return 0
    }
}

extension SMTPConfiguration: CustomStringConvertible, CustomReflectable {
    /// The settings without the password, so logging a configuration cannot leak it.
    public var description: String {
        "SMTPConfiguration(\(url), \(security.rawValue), username: \(username ?? "none"), password: \(password == nil ? "none" : "***"))"
    }

    /// What `dump` and reflection show: the same, password masked.
    public var customMirror: Mirror {
        Mirror(self, children: [
            "url": url, "security": security.rawValue, "username": username ?? "none", "password": password == nil ? "none" : "***",
            "from": from?.description ?? "none",
        ])
    }
}

public import Configuration

extension ConfigReader {
    /// A reader over these environment variables, as the command line reads the process's:
    /// `TELEGRAM_MAX_UPLOAD` is the key `telegram.maxUpload`.
    public static func environment(_ variables: [String: String]) -> ConfigReader {
        ConfigReader(provider: EnvironmentVariablesProvider(environmentVariables: variables, secretsSpecifier: .specific(["TELEGRAM_BOT_TOKEN", "SMTP_PASSWORD"])))
    }
}

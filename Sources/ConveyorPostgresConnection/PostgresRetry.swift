/// Thrown inside a transaction to roll it back and run it again: another node committed the same
/// dedup key between our check and our insert.
package struct PostgresRetry: Error {
    package init() {}
}

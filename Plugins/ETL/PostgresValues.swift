import Foundation
import NIOCore
import PostgresNIO

/// ETL values to and from PostgreSQL: result cells (binary format) into ``ETLValue``s, and rows
/// into `COPY … FROM STDIN` text.
enum PostgresValues {
    /// One cell as a value: integers, floats, booleans, dates and timestamps keep their type;
    /// text-like types (and types the database defines, such as enums) become text, `numeric`
    /// its decimal text, `bytea` base64. Other built-in types are refused naming the column, since
    /// their binary form is not text; a cast in the query (`col::text`) reads them.
    static func value(_ cell: PostgresCell) throws -> ETLValue {
        guard var bytes = cell.bytes else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8: return .integer(try cell.decode(Int64.self))
        case .float4, .float8: return .real(try cell.decode(Double.self))
        case .bool: return .boolean(try cell.decode(Bool.self))
        case .date, .timestamp, .timestamptz: return .date(try cell.decode(Date.self))
        case .numeric: return .text("\(try cell.decode(Decimal.self))")
        case .bytea: return .text(Data(bytes.readableBytesView).base64EncodedString())
        case .text, .varchar, .bpchar, .name, .uuid, .json, .jsonb: return .text(try cell.decode(String.self))
        case let type where type.rawValue >= 16_384:
            return .text(bytes.readString(length: bytes.readableBytes) ?? "")
        default:
            throw ETLFailure(
                "source: column \"\(cell.columnName)\" has a type ETL does not read (\(cell.dataType)); cast it in the query, e.g. \(cell.columnName)::text")
        }
    }

    /// Rows in `COPY`'s text format: tab between fields, `\N` for null, backslash escapes.
    static func copyText(_ rows: [[ETLValue]], into buffer: inout ByteBuffer) {
        for row in rows {
            for (index, value) in row.enumerated() {
                if index > 0 { buffer.writeInteger(UInt8(ascii: "\t")) }
                switch value {
                case .null: buffer.writeStaticString("\\N")
                case .integer(let number): buffer.writeString(String(number))
                case .boolean(let flag): buffer.writeStaticString(flag ? "t" : "f")
                default: writeEscaped(value.text ?? "", into: &buffer)
                }
            }
            buffer.writeInteger(UInt8(ascii: "\n"))
        }
    }

    private static func writeEscaped(_ text: String, into buffer: inout ByteBuffer) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
            case UInt8(ascii: "\t"): buffer.writeStaticString("\\t")
            case UInt8(ascii: "\n"): buffer.writeStaticString("\\n")
            case UInt8(ascii: "\r"): buffer.writeStaticString("\\r")
            default: buffer.writeInteger(byte)
            }
        }
    }
}

/// Any key, for listing the fields a body actually sent.
package struct AnyKey: CodingKey {
    package let stringValue: String
    package let intValue: Int?
    package init(stringValue: String) {
        self.stringValue = stringValue
        intValue = nil
    }
    package init?(intValue: Int) {
        stringValue = String(intValue)
        self.intValue = intValue
    }
}

public import Conveyor

/// A pipeline: stages whose types the compiler checks, with weighted progress.
public let wordCount = Pipeline<String, Int>("word-count") {
    Step<String, [Substring]>("split", weight: 1) { text, context in
        context.progress(1, "Split the text")
        return text.split(separator: " ")
    }
    Step<[Substring], Int>("count", weight: 3) { words, context in
        for (index, _) in words.enumerated() {
            try await Task.sleep(for: .milliseconds(100))
            context.progress(Double(index + 1) / Double(words.count), "Counted \(index + 1) of \(words.count)")
        }
        return words.count
    }
}

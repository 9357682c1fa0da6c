/// A model file (dlib's .dat, MTCNN's .onnx) could not be read: names the file, the byte offset
/// and what was expected. `DlibModelError` and `ONNXModelError` are this type under their
/// loaders' names.
public struct ModelFileError: Error, CustomStringConvertible, Equatable, Sendable {
    public var file: String
    public var offset: Int
    public var message: String

    public init(file: String, offset: Int, message: String) {
        self.file = file; self.offset = offset; self.message = message
    }

    public var description: String { "\(file): at byte \(offset): \(message)" }
}

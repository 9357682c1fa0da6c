/// An error whose description is written for the person at the terminal: it names the file and
/// the next step. `isUsageError`: the command was given something it cannot use (exit status 2),
/// as opposed to a failure while working (exit status 1).
public protocol UserFacingError: Error, CustomStringConvertible {
    var isUsageError: Bool { get }
}

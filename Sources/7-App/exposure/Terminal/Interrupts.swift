import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The write end of the interrupt pipe, read by the signal handler (a plain load: set before the
/// handler is installed).
nonisolated(unsafe) private var interruptPipeWriteEnd: Int32 = -1

/// Ctrl-C and SIGTERM during a command that writes an inventory: `save` leaves the inventory
/// whole (ExposurePipeline's Scanner.saveForInterrupt), one line says what happened, and the
/// process exits with 128 + the signal. The signal handler only writes the signal's number to a
/// pipe (all a handler may safely do); a thread of its own reads it and does the saving, so it
/// works whichever thread the kernel delivers the signal to. A second signal while saving is ignored.
enum Interrupts {
    static func onInterrupt(message: String, save: @escaping () -> Void) {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        interruptPipeWriteEnd = ends[1]
        let readEnd = ends[0]
        let watcher = Thread {
            var number: UInt8 = 0
            while read(readEnd, &number, 1) < 0 && errno == EINTR {}
            save()
            FileHandle.standardError.write(Data("\nexposure: interrupted; \(message)\n".utf8))
            Foundation.exit(128 + Int32(number))
        }
        watcher.start()
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { signal in
            var number = UInt8(truncatingIfNeeded: signal)
            _ = write(interruptPipeWriteEnd, &number, 1)
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_RESTART
        sigaction(SIGINT, &action, nil)
        sigaction(SIGTERM, &action, nil)
    }
}

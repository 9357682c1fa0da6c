import DefaultRules
import ExposureRules
import Foundation

/// Where rules come from: the default set shipped in rules/ (compiled into the binary, so
/// `exposure` works from any folder) plus a user's `--rules DIR`, which adds rules or
/// overrides defaults by id.
enum RuleBook {
    static func load(extra: URL?) throws -> RuleSet {
        var rules = try RuleSet.parse(DefaultRules.files)
        if let extra {
            rules = rules.overridden(by: try RuleSet.loadDirectory(extra))
        }
        return rules
    }
}

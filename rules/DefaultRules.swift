// The default exposure rules, compiled into the binary from the YAML files beside this one.
// Adding a rule file: list it here too (DefaultRulesTests checks the list against the folder).
import Foundation

public enum DefaultRules {
    /// (file name, YAML text) of every default rule file.
    public static let files: [(name: String, text: String)] = [
        ("devices.yaml", String(decoding: PackageResources.devices_yaml, as: UTF8.self)),
        ("faces.yaml", String(decoding: PackageResources.faces_yaml, as: UTF8.self)),
        ("location.yaml", String(decoding: PackageResources.location_yaml, as: UTF8.self)),
    ]
}

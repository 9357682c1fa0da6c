// The default exposure rules, compiled into the binary from the YAML files beside this one
// (SwiftPM's embedInCode names "01-faces.yaml" `_1_faces_yaml`). Adding a rule file: list it
// here too; DefaultRulesTests checks this list against the folder.
import Foundation

public enum DefaultRules {
    /// (file name, YAML text) of every default rule file, in file-name order.
    public static let files: [(name: String, text: String)] = [
        ("01-faces.yaml", String(decoding: PackageResources._1_faces_yaml, as: UTF8.self)),
        ("02-location.yaml", String(decoding: PackageResources._2_location_yaml, as: UTF8.self)),
        ("03-devices.yaml", String(decoding: PackageResources._3_devices_yaml, as: UTF8.self)),
        ("04-linkage.yaml", String(decoding: PackageResources._4_linkage_yaml, as: UTF8.self)),
        ("05-video.yaml", String(decoding: PackageResources._5_video_yaml, as: UTF8.self)),
    ]
}

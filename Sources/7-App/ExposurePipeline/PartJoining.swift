import Foundation
import ArchiveInput
import ExportFormats

/// The inputs of one scan as the exports they are: parts of one download joined into one tree
/// (the rule: ExportParts.swift), each with the notes on parts it seems to lack.
enum PartJoining {
    static func join(_ archives: [ExportArchive]) -> [(archive: ExportArchive, notes: [String])] {
        let plan = ExportParts.plan(archives.map { ExportParts.Input(names: $0.partNames, tree: $0) })
        return plan.groups.enumerated().map { index, members in
            let archive = members.count == 1 ? archives[members[0]] : ExportArchive(joining: members.map { archives[$0] })
            return (archive, plan.notes[index])
        }
    }
}

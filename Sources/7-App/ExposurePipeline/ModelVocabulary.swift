// The model types (ExposureModel: items, faces, the summary, the face search's method) and the
// snapshot analysis's results (SnapshotAnalysis: the plan's goal and steps, the diff) are the
// vocabulary of the pipeline's API: the command line reads its results in them, and imports the
// pipeline alone.
@_exported import ExposureModel
@_exported import SnapshotAnalysis

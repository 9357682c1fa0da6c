// The architectures of dlib's two DNN files, written down because a dlib file does not
// store its topology (see the file format at the top of DlibNetworkParser.swift): the
// face recognition ResNet and the MMOD face detector as trees of dlib's C++ wrapper types
// (loss, add_layer, add_tag_layer, add_skip_layer, input), transcribed from dlib's typedefs.
// DlibNetworkParser reads a file against one of them.

// MARK: - Architecture descriptions

/// The C++ type of a dlib network, outermost first, as a tree.
indirect enum DlibArchitecture {
    case loss(LossKind, DlibArchitecture)
    case layer(LayerKind, DlibArchitecture)
    case tag(Int, DlibArchitecture)
    case skip(Int, DlibArchitecture)
    case input(InputKind)

    enum LossKind { case metric, mmod }
    enum InputKind { case rgbImageSized, rgbImagePyramid }
    enum LayerKind {
        case con(filters: Int, kernel: Int, stride: Int)
        case affine
        case relu
        case maxPool(kernel: Int, stride: Int)
        case avgPool(kernel: Int, stride: Int)   // kernel 0: avg_pool_everything
        case addPrev(tag: Int)
        case fcNoBias(outputs: Int)
    }

    private static func con(_ n: Int, _ k: Int, _ s: Int, _ sub: DlibArchitecture) -> DlibArchitecture {
        .layer(.con(filters: n, kernel: k, stride: s), sub)
    }
    private static func affine(_ sub: DlibArchitecture) -> DlibArchitecture { .layer(.affine, sub) }
    private static func relu(_ sub: DlibArchitecture) -> DlibArchitecture { .layer(.relu, sub) }

    // block<N,stride> = affine<con<N,3,3,1,1, relu<affine<con<N,3,3,stride,stride, SUBNET>>>>>
    private static func block(_ n: Int, _ stride: Int, _ sub: DlibArchitecture) -> DlibArchitecture {
        affine(con(n, 3, 1, relu(affine(con(n, 3, stride, sub)))))
    }
    // ares<N> = relu<add_prev1<block<N,1,tag1<SUBNET>>>>
    private static func ares(_ n: Int, _ sub: DlibArchitecture) -> DlibArchitecture {
        relu(.layer(.addPrev(tag: 1), block(n, 1, .tag(1, sub))))
    }
    // ares_down<N> = relu<add_prev2<avg_pool<2,2,2,2,skip1<tag2<block<N,2,tag1<SUBNET>>>>>>>
    private static func aresDown(_ n: Int, _ sub: DlibArchitecture) -> DlibArchitecture {
        relu(.layer(.addPrev(tag: 2), .layer(.avgPool(kernel: 2, stride: 2), .skip(1, .tag(2, block(n, 2, .tag(1, sub)))))))
    }

    /// dlib's face recognition ResNet (tools/python/src/face_recognition.cpp, anet_type).
    static let faceResNet: DlibArchitecture = {
        var x: DlibArchitecture = .input(.rgbImageSized)
        x = .layer(.maxPool(kernel: 3, stride: 2), relu(affine(con(32, 7, 2, x))))
        for _ in 0..<3 { x = ares(32, x) }
        x = aresDown(64, x)
        for _ in 0..<3 { x = ares(64, x) }
        x = aresDown(128, x)
        for _ in 0..<2 { x = ares(128, x) }
        x = aresDown(256, x)
        for _ in 0..<2 { x = ares(256, x) }
        x = aresDown(256, x)
        x = .layer(.avgPool(kernel: 0, stride: 1), x)
        x = .layer(.fcNoBias(outputs: 128), x)
        return .loss(.metric, x)
    }()

    /// dlib's MMOD face detector (tools/python/src/cnn_face_detector.cpp, net_type).
    static let mmodDetector: DlibArchitecture = {
        var x: DlibArchitecture = .input(.rgbImagePyramid)
        x = relu(affine(con(16, 5, 2, x)))
        x = relu(affine(con(32, 5, 2, x)))
        x = relu(affine(con(32, 5, 2, x)))
        for _ in 0..<3 { x = relu(affine(con(45, 5, 1, x))) }
        x = con(1, 9, 1, x)
        return .loss(.mmod, x)
    }()
}

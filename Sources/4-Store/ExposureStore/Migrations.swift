import GRDB

/// The inventory's schema, one migration per version. Migrations are never edited once
/// landed: a change to the schema is a new migration appended here.
enum Migrations {
    /// Every migration's identifier, in order (the schema version is their count).
    static let identifiers = migrator.migrations

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()

        migrator.registerMigration("v1-inventory") { db in
            // One row per archive (or group of split-zip parts) given to `exposure scan`.
            try db.execute(sql: """
                CREATE TABLE source (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL,              -- file or folder name, no directories
                    platform TEXT NOT NULL,
                    owner_name TEXT,
                    listed INTEGER NOT NULL DEFAULT 0, -- 1 once the export's references are recorded
                    UNIQUE(name, platform)
                );
                -- One row per distinct media file (SHA-256 of its bytes).
                CREATE TABLE item (
                    id INTEGER PRIMARY KEY,
                    sha256 TEXT NOT NULL UNIQUE,
                    kind TEXT NOT NULL,              -- photo | video
                    byte_size INTEGER NOT NULL,
                    unreadable_reason TEXT,          -- NULL when decoded/parsed fine
                    width INTEGER, height INTEGER,
                    capture_local TEXT,              -- EXIF DateTimeOriginal, local wall clock, ISO 8601 without zone
                    capture_offset_seconds INTEGER,  -- OffsetTimeOriginal
                    exif_lat REAL, exif_lon REAL, exif_alt REAL,
                    make TEXT, model TEXT,
                    body_serial TEXT, lens_serial TEXT,
                    camera_owner TEXT, artist TEXT, software TEXT, image_unique_id TEXT,
                    has_thumbnail INTEGER NOT NULL DEFAULT 0,
                    thumbnail_differs INTEGER,
                    embedded_json TEXT,              -- the whole EmbeddedMetadata, for what has no column
                    faces_analysed INTEGER NOT NULL DEFAULT 0
                );
                -- Where an item's bytes sit in a source (one item can sit in several places).
                CREATE TABLE item_file (
                    id INTEGER PRIMARY KEY,
                    item_id INTEGER NOT NULL REFERENCES item(id) ON DELETE CASCADE,
                    source_id INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
                    path TEXT NOT NULL,
                    is_profile_picture INTEGER NOT NULL DEFAULT 0,
                    UNIQUE(source_id, path)
                );
                CREATE INDEX item_file_item ON item_file(item_id);
                -- Where an item appears on the platform: album, post, story, tweet, memory.
                CREATE TABLE appearance (
                    id INTEGER PRIMARY KEY,
                    item_file_id INTEGER NOT NULL REFERENCES item_file(id) ON DELETE CASCADE,
                    kind TEXT NOT NULL,
                    album TEXT, caption TEXT,
                    post_time REAL,                  -- Unix seconds, UTC
                    platform_id TEXT, link TEXT
                );
                CREATE INDEX appearance_file ON appearance(item_file_id);
                -- What the platform's JSON says about the item, kept apart from embedded metadata.
                CREATE TABLE platform_metadata (
                    item_file_id INTEGER PRIMARY KEY REFERENCES item_file(id) ON DELETE CASCADE,
                    taken_time REAL,                 -- Unix seconds, UTC
                    lat REAL, lon REAL, alt REAL,
                    place_name TEXT,
                    camera_make TEXT, camera_model TEXT,
                    upload_ip TEXT, device_id TEXT,
                    source_file TEXT
                );
                -- People named on an item, from any origin.
                CREATE TABLE person_tag (
                    id INTEGER PRIMARY KEY,
                    item_id INTEGER NOT NULL REFERENCES item(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,              -- as written (NFC, trimmed)
                    name_key TEXT NOT NULL,          -- case-folded, for counting distinct people
                    origin TEXT NOT NULL,            -- platform | xmp_region | person_in_image
                    region_x REAL, region_y REAL, region_w REAL, region_h REAL, -- XMP regions: centre and size, 0...1
                    UNIQUE(item_id, name_key, origin, region_x, region_y)
                );
                CREATE INDEX person_tag_item ON person_tag(item_id);
                -- Media the JSON refers to that the archive does not contain.
                CREATE TABLE missing_media (
                    id INTEGER PRIMARY KEY,
                    source_id INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
                    path TEXT NOT NULL,
                    UNIQUE(source_id, path)
                );
                -- Entries that could not be read, with the reason shown to the user.
                CREATE TABLE skipped_entry (
                    id INTEGER PRIMARY KEY,
                    source_id INTEGER REFERENCES source(id) ON DELETE CASCADE,
                    path TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    UNIQUE(source_id, path)
                );
                -- Faces found in an item (written with the item's faces_analysed flag, in one transaction).
                CREATE TABLE face (
                    id INTEGER PRIMARY KEY,
                    item_id INTEGER NOT NULL REFERENCES item(id) ON DELETE CASCADE,
                    face_index INTEGER NOT NULL,
                    box_left INTEGER NOT NULL, box_top INTEGER NOT NULL,
                    box_right INTEGER NOT NULL, box_bottom INTEGER NOT NULL,
                    confidence REAL NOT NULL,
                    landmarks TEXT NOT NULL,         -- JSON [[x,y],...]
                    descriptor BLOB NOT NULL,        -- 128 float32, little-endian
                    thumbnail BLOB,                  -- small JPEG for the report
                    identity_id INTEGER,
                    labelled INTEGER NOT NULL DEFAULT 0,
                    UNIQUE(item_id, face_index)
                );
                CREATE INDEX face_item ON face(item_id);
                -- Results of the analysis step, replaced as a whole each time it runs.
                CREATE TABLE identity (
                    id INTEGER PRIMARY KEY,
                    name TEXT,
                    is_owner INTEGER NOT NULL DEFAULT 0,
                    face_count INTEGER NOT NULL
                );
                CREATE TABLE place (
                    id INTEGER PRIMARY KEY,
                    lat REAL NOT NULL, lon REAL NOT NULL,
                    item_count INTEGER NOT NULL,
                    night_days INTEGER NOT NULL DEFAULT 0,
                    is_home INTEGER NOT NULL DEFAULT 0,
                    is_regular INTEGER NOT NULL DEFAULT 0,
                    city TEXT, country TEXT
                );
                CREATE TABLE device (
                    id INTEGER PRIMARY KEY,
                    kind TEXT NOT NULL,              -- camera_model | serial_number | owner_name | upload_ip | device_id
                    value TEXT NOT NULL,
                    item_count INTEGER NOT NULL,
                    UNIQUE(kind, value)
                );
                CREATE TABLE analysis (
                    key TEXT PRIMARY KEY,
                    value TEXT NOT NULL              -- JSON
                );
                """)
        }
        migrator.registerMigration("v2-settings") { db in
            // How the inventory was made, where it decides what its rows mean (the face search:
            // an inventory searched for faces from 80 px has none of the 40 px ones). Kept apart
            // from `analysis`, which is replaced whole after every scan.
            try db.execute(sql: """
                CREATE TABLE setting (
                    key TEXT PRIMARY KEY,
                    value TEXT NOT NULL
                );
                """)
        }
        migrator.registerMigration("v3-face-below-detector-range") { db in
            // Faces the proposal network found below dlib's detector's 40 px window (their
            // descriptors come from an upsampled chip): the summary counts them apart. Faces
            // written before this migration were all dlib's, so they read as 0.
            try db.execute(sql: """
                ALTER TABLE face ADD COLUMN below_detector_range INTEGER NOT NULL DEFAULT 0;
                """)
        }
        migrator.registerMigration("v4-fingerprint-audience") { db in
            // Linkage across platforms: each photo's perceptual fingerprint (PerceptualFingerprint.data:
            // hashes and a 32x32 luma grid), and who could see each appearance with the export's
            // evidence (NULL: the export does not say). Items written before have no fingerprint.
            try db.execute(sql: """
                ALTER TABLE item ADD COLUMN perceptual_fingerprint BLOB;
                ALTER TABLE appearance ADD COLUMN audience TEXT;           -- public | shared | private
                ALTER TABLE appearance ADD COLUMN audience_evidence TEXT;
                """)
        }
        migrator.registerMigration("v5-snapchat-overlay") { db in
            // Snapchat memories come with a transparent caption/drawing layer (`-overlay.png`) beside
            // the `-main` file: part of the item (caption content), never an item. Rows written before
            // this migration read as unknown (NULL).
            try db.execute(sql: """
                ALTER TABLE platform_metadata ADD COLUMN has_overlay INTEGER;
                """)
        }
        migrator.registerMigration("v6-video-tracks") { db in
            // Faces in videos. A video's sampling and poster frame (one row per analysed video),
            // and its face tracks: each track's best face is also a row of `face` (item_id,
            // face_index), so identities cluster photo faces and tracks together; the track's
            // identity is copied from that face by the analysis.
            try db.execute(sql: """
                CREATE TABLE video_analysis (
                    item_id INTEGER PRIMARY KEY REFERENCES item(id) ON DELETE CASCADE,
                    duration REAL,                   -- seconds, when the container says
                    sample_interval REAL NOT NULL,   -- seconds between regular samples
                    sampled_frames INTEGER NOT NULL,
                    decoded_frames INTEGER NOT NULL,
                    analysed_seconds REAL NOT NULL,  -- of the video, from its start
                    stopped_early TEXT,              -- why sampling stopped before the end, NULL when it did not
                    codec TEXT NOT NULL,
                    width INTEGER NOT NULL, height INTEGER NOT NULL, rotation INTEGER NOT NULL,
                    poster BLOB                      -- small JPEG for the report
                );
                CREATE TABLE video_track (
                    id INTEGER PRIMARY KEY,
                    item_id INTEGER NOT NULL REFERENCES item(id) ON DELETE CASCADE,
                    track_index INTEGER NOT NULL,
                    face_index INTEGER NOT NULL,     -- the track's best face: face(item_id, face_index)
                    start_seconds REAL NOT NULL, end_seconds REAL NOT NULL,
                    frames_seen INTEGER NOT NULL,
                    distinct_views INTEGER NOT NULL,
                    descriptors BLOB NOT NULL,       -- the best few faces' descriptors: count x 128 float32, little-endian
                    identity_id INTEGER,             -- set by the analysis, from the best face
                    UNIQUE(item_id, track_index)
                );
                CREATE INDEX video_track_item ON video_track(item_id);
                """)
        }
        migrator.registerMigration("v7-stored-analysis") { db in
            // The analysis's results as one typed row (StoredAnalysis: one JSON column per part)
            // instead of free key/value rows. An inventory analysed by an earlier version keeps its
            // results: each key's value is copied into its column (distinct_places was text), a key
            // that version did not write stays NULL, and no row is made when it was never analysed.
            try db.execute(sql: """
                CREATE TABLE stored_analysis (
                    id INTEGER PRIMARY KEY CHECK (id = 1),   -- one row, replaced with the analysis
                    faces TEXT,                              -- JSON FaceMetrics
                    metrics TEXT,                            -- JSON {path: number|null}
                    item_counts TEXT,                        -- JSON {path: count}
                    owner_reason TEXT,
                    distinct_places INTEGER,
                    stale_thumbnails TEXT,                   -- JSON [item id]
                    audience TEXT,                           -- JSON AudienceMetrics
                    linkage TEXT,                            -- JSON LinkageResult
                    videos TEXT,                             -- JSON VideoFaceMetrics
                    per_video TEXT                           -- JSON [VideoFaceMetrics.PerVideo]
                );
                INSERT INTO stored_analysis(id, faces, metrics, item_counts, owner_reason, distinct_places, stale_thumbnails,
                                            audience, linkage, videos, per_video)
                SELECT 1,
                    (SELECT value FROM analysis WHERE key = 'faces'),
                    (SELECT value FROM analysis WHERE key = 'metrics'),
                    (SELECT value FROM analysis WHERE key = 'item_counts'),
                    (SELECT value FROM analysis WHERE key = 'owner_reason'),
                    (SELECT CAST(value AS INTEGER) FROM analysis WHERE key = 'distinct_places'),
                    (SELECT value FROM analysis WHERE key = 'stale_thumbnails'),
                    (SELECT value FROM analysis WHERE key = 'audience'),
                    (SELECT value FROM analysis WHERE key = 'linkage'),
                    (SELECT value FROM analysis WHERE key = 'videos'),
                    (SELECT value FROM analysis WHERE key = 'per_video')
                WHERE EXISTS (SELECT 1 FROM analysis);
                DROP TABLE analysis;
                """)
        }
        migrator.registerMigration("v8-scan-state") { db in
            // Whether the inventory's last scan finished (`scan_state`: scanning | finished): an
            // interrupted or failed scan must not read as a finished one. An inventory analysed by an
            // earlier version finished its scan (the analysis ran last); one never analysed did not.
            // The file's marks (application_id, user_version) are set after every migration by
            // InventoryDatabase, from the number of migrations.
            try db.execute(sql: """
                INSERT OR REPLACE INTO setting(key, value)
                SELECT 'scan_state', CASE WHEN EXISTS (SELECT 1 FROM stored_analysis) THEN 'finished' ELSE 'scanning' END
                WHERE EXISTS (SELECT 1 FROM source);
                """)
        }
        return migrator
    }
}

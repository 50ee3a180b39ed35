//! # Synchronize a token's licenses with Apple
//!
//! `by_id(id).sync_licenses()` asks Intune to fetch the token's current apps and licenses from
//! Apple (v1.0 and beta); the answer is the token, whose `last_sync_status` and
//! `last_sync_date_time` tell how the synchronization went. A guide to starting a
//! synchronization and waiting for its outcome belongs on this page.
// TODO(sync-wait): the guide to `syncLicenses` and to waiting for its outcome.

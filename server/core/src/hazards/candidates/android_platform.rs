//! Android platform calls that throw unchecked exceptions their
//! signatures do not declare, on conditions of the device rather than of
//! the code: Bluetooth discovery and connection without the runtime
//! permission Android 12 added (`SecurityException: Need
//! android.permission.BLUETOOTH_SCAN`), an NFC tag technology used after
//! the tag left the field or the intent that carried it went stale
//! (`SecurityException` from `Tag.getTagService`), a media file the
//! retriever cannot open (`RuntimeException: setDataSource failed`), a
//! receiver unregistered twice or never registered (`IllegalArgumentException:
//! Receiver not registered`), a foreground service asked for while the app
//! is in the background on Android 12
//! (`ForegroundServiceStartNotAllowedException`). The compiler asks for
//! none of these to be caught, so they reach users as crashes. Only in files that use the
//! API's package; a `catch` of the exception or a base is the guard.

use super::*;

/// One platform contract: the methods, a word the file must mention for
/// the call to be this API's, the exception and the message Android
/// prints, and the condition.
struct Contract {
    methods: &'static [&'static str],
    api: &'static str,
    /// The exception's full name.
    exception: &'static str,
    /// Its base classes a handler may name, below the catch-alls
    /// (`RuntimeException`, `Exception`, `Throwable`) that catch every one.
    bases: &'static [&'static str],
    message: &'static str,
    trigger: &'static str,
    /// A word of the checks that avoid the failure, if any can: a
    /// permission check (`hasBluetoothScanPermission()`,
    /// `checkSelfPermission`), a flag kept for the registration (`if
    /// (receiverRegistered)`).
    checked_by: Option<&'static str>,
}

const SCAN: &str = "Need android.permission.BLUETOOTH_SCAN permission";
const CONNECT: &str = "Need android.permission.BLUETOOTH_CONNECT permission";
const SCAN_TRIGGER: &str = "on Android 12 or later the BLUETOOTH_SCAN permission was never granted or was revoked (the app is restarted, its activity destroyed, or the user declined)";
const CONNECT_TRIGGER: &str =
    "on Android 12 or later the BLUETOOTH_CONNECT permission was never granted or was revoked";
const FOREGROUND_TRIGGER: &str = "on Android 12 or later the app is in the background (its activity stopped, the screen locked) when it asks for a foreground service";
const TAG_TRIGGER: &str =
    "the tag left the field, or the intent that delivered it is out of date (a relaunch)";

const CONTRACTS: &[Contract] = &[
    Contract {
        methods: &[
            "startDiscovery",
            "cancelDiscovery",
            "isDiscovering",
            "startLeScan",
            "stopLeScan",
        ],
        api: "android.bluetooth",
        exception: "java.lang.SecurityException",
        bases: &[],
        message: SCAN,
        trigger: SCAN_TRIGGER,
        checked_by: Some("ermission"),
    },
    Contract {
        methods: &[
            "getBondedDevices",
            "connectGatt",
            "createBond",
            "createRfcommSocketToServiceRecord",
            "createInsecureRfcommSocketToServiceRecord",
            "listenUsingRfcommWithServiceRecord",
            "listenUsingInsecureRfcommWithServiceRecord",
        ],
        api: "android.bluetooth",
        exception: "java.lang.SecurityException",
        bases: &[],
        message: CONNECT,
        trigger: CONNECT_TRIGGER,
        checked_by: Some("ermission"),
    },
    Contract {
        methods: &[
            "canMakeReadOnly",
            "makeReadOnly",
            "getNdefMessage",
            "writeNdefMessage",
            "transceive",
        ],
        api: "android.nfc",
        exception: "java.lang.SecurityException",
        bases: &[],
        message: "Permission Denial: Tag ( ID: … ) is out of date",
        trigger: TAG_TRIGGER,
        checked_by: None,
    },
    Contract {
        methods: &["startForeground"],
        api: "android.app",
        exception: "android.app.ForegroundServiceStartNotAllowedException",
        bases: &["ServiceStartNotAllowedException", "IllegalStateException"],
        message: "Service.startForeground() not allowed due to mAllowStartForeground false",
        trigger: FOREGROUND_TRIGGER,
        checked_by: None,
    },
    Contract {
        methods: &["startForegroundService"],
        api: "android.content",
        exception: "android.app.ForegroundServiceStartNotAllowedException",
        bases: &["ServiceStartNotAllowedException", "IllegalStateException"],
        message: "startForegroundService() not allowed due to mAllowStartForeground false",
        trigger: FOREGROUND_TRIGGER,
        checked_by: None,
    },
    Contract {
        methods: &["setDataSource"],
        api: "MediaMetadataRetriever",
        exception: "java.lang.RuntimeException",
        bases: &[],
        message: "setDataSource failed: status = 0xFFFFFFEA",
        trigger: "the file is truncated, in a format the device cannot decode, or was deleted while it was listed",
        checked_by: None,
    },
    Contract {
        methods: &["unregisterReceiver"],
        api: "android.content",
        exception: "java.lang.IllegalArgumentException",
        bases: &[],
        message: "Receiver not registered",
        trigger: "the receiver was never registered on this path, or was already unregistered (a second onPause, onDestroy after a failed start)",
        checked_by: Some("egistered"),
    },
];

impl Scan<'_, '_, '_> {
    pub(super) fn android_platform_call(&mut self, node: Node, last: &str) {
        if self.cx.language != Language::Java {
            return;
        }
        let Some(contract) = CONTRACTS.iter().find(|c| c.methods.contains(&last)) else {
            return;
        };
        if !self.cx.file.android.contains(&contract.api) {
            return;
        }
        let checked = |text: &str| contract.checked_by.is_some_and(|w| text.contains(w));
        if contract.checked_by.is_some()
            && crate::hazards::guards::guarded_by(
                self.cx.language,
                node,
                self.cx.node,
                self.cx.rope,
                &checked,
            )
        {
            return;
        }
        // `caught` counts a catch of `RuntimeException`, `Exception` or
        // `Throwable` too.
        let simple = contract.exception.rsplit('.').next().unwrap_or_default();
        let caught: Vec<&str> = std::iter::once(simple)
            .chain(contract.bases.iter().copied())
            .collect();
        if crate::hazards::guards::caught(
            self.cx.language,
            node,
            self.cx.node,
            self.cx.rope,
            &caught,
        ) {
            return;
        }
        if let Some(found) = self.added(node, Other, 0.12, contract.trigger) {
            found.error_type = contract.exception.to_owned();
            found.error = format!("{}: {}", contract.exception, contract.message);
            found.summary = format!("Possible {simple} at `{}`", one_line(&found.subject, 50));
        }
    }
}

/// The APIs of [`CONTRACTS`] a Java file names (`import android.nfc.*`).
pub(super) fn apis_named(language: Language, text: &str) -> Vec<&'static str> {
    if language != Language::Java {
        return Vec::new();
    }
    let mut apis: Vec<&'static str> = CONTRACTS
        .iter()
        .map(|c| c.api)
        .filter(|api| text.contains(api))
        .collect();
    apis.sort_unstable();
    apis.dedup();
    apis
}

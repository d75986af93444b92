//! Machine code for a microcontroller, as a device target produces it: bytes to place in a
//! native `.mpy` (or an emulated board's memory), not code to run in this process, which is
//! why it is not [`vm::rawcode::HostCode`].

/// One compiled function for a device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceCode {
    /// Position-independent machine code; the entry point is offset 0.
    pub code: Vec<u8>,
    /// The viper type of each argument (`MP_NATIVE_TYPE_*`), in order.
    pub arg_types: Vec<u8>,
    /// The viper type of the result.
    pub return_type: u8,
}

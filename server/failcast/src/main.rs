//! The `failcast` binary: see `failcast::cli`.

fn main() -> std::process::ExitCode {
    failcast::cli::main().into()
}

//! The `claimcheck` binary: parse arguments, run, map the result to an exit code.

use std::process::ExitCode;

use clap::Parser;

// Loading a large knowledge base makes hundreds of thousands of small allocations; mimalloc
// makes them (and freeing them) several times cheaper than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = claimcheck::cli::Cli::parse();
    ExitCode::from(claimcheck::cli::run(cli) as u8)
}

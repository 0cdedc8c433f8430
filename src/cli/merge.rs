//! `cclab merge DIR... [--out DIR]`.

use crate::results::merge;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct MergeArgs {
    /// Results folders of the shards (`cclab run --shard K/N`).
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    /// Where the merged results go (default results/NAME).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

pub fn merge(args: &MergeArgs) -> ExitCode {
    match merge::merge(&args.dirs, args.out.as_deref()) {
        Ok((out, table)) => {
            print!("{table}");
            println!("merged {} folders into {}", args.dirs.len(), out.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(super::run::EXIT_BAD_INPUT)
        }
    }
}

//! `eropaf route tsp|plan` (work in progress).

#[derive(clap::Subcommand)]
pub enum RouteCommand {}

pub fn run(command: RouteCommand) -> Result<(), String> {
    match command {}
}

//! `eropaf route tsp|plan`: reads a points file (`id,x,y`, metres RD), runs the `routing` crate and
//! writes the tour or the walk lists as CSV, atomically, with a one-line summary on stdout.

use std::path::{Path, PathBuf};

use routing::{PlanParams, Point};

use crate::csv;
use crate::linkage_cli::write_atomically;

#[derive(clap::Subcommand)]
pub enum RouteCommand {
    /// A short closed tour over all points (POINTS.csv: id,x,y); writes seq,id.
    Tsp {
        points: PathBuf,
        #[arg(long)]
        out: PathBuf,
    },
    /// Walk lists for several walkers within one shift; writes walker,seq,id (unplanned doors
    /// last, with empty walker and seq).
    Plan {
        points: PathBuf,
        #[arg(long)]
        walkers: usize,
        #[arg(long)]
        shift_minutes: f64,
        #[arg(long)]
        service_seconds: f64,
        #[arg(long, default_value_t = 4.5)]
        speed_kmh: f64,
        /// Start and end point of every walker as X,Y (default: the centroid of the doors).
        #[arg(long)]
        start: Option<String>,
        /// Make the walk lists comparable in length.
        #[arg(long)]
        balanced: bool,
        #[arg(long)]
        out: PathBuf,
    },
}

pub fn run(command: RouteCommand) -> Result<(), String> {
    match command {
        RouteCommand::Tsp { points, out } => {
            let (ids, pts) = read_points(&points)?;
            let tour = routing::tsp(&pts);
            write_atomically(&out, |w| {
                writeln!(w, "seq,id")?;
                for (seq, &i) in tour.iter().enumerate() {
                    writeln!(w, "{},{}", seq + 1, csv::field(&ids[i]))?;
                }
                Ok(())
            })?;
            println!("route tsp: {} punten, rondgang {:.0} m", pts.len(), routing::tour_length(&pts, &tour));
            Ok(())
        }
        RouteCommand::Plan { points, walkers, shift_minutes, service_seconds, speed_kmh, start, balanced, out } => {
            let start = start.as_deref().map(parse_start).transpose()?;
            let (ids, pts) = read_points(&points)?;
            let params = PlanParams {
                walkers,
                shift_seconds: shift_minutes * 60.0,
                service_seconds,
                speed_m_per_s: speed_kmh / 3.6,
                start,
                balanced,
            };
            let plan = routing::plan(&pts, &params).map_err(|e| e.to_string())?;
            write_atomically(&out, |w| {
                writeln!(w, "walker,seq,id")?;
                for (walker, route) in plan.routes.iter().enumerate() {
                    for (seq, &i) in route.iter().enumerate() {
                        writeln!(w, "{},{},{}", walker + 1, seq + 1, csv::field(&ids[i]))?;
                    }
                }
                for &i in &plan.unplanned {
                    writeln!(w, ",,{}", csv::field(&ids[i]))?;
                }
                Ok(())
            })?;
            let origin = start.unwrap_or_else(|| routing::centroid(&pts));
            let minutes: Vec<String> = plan
                .routes
                .iter()
                .map(|r| format!("{:.0}", routing::route_seconds(&pts, origin, r, &params) / 60.0))
                .collect();
            let walked: f64 = plan
                .routes
                .iter()
                .map(|r| (routing::route_seconds(&pts, origin, r, &params) - service_seconds * r.len() as f64) * params.speed_m_per_s)
                .sum();
            println!(
                "route plan: {} deuren, {} ingepland, {} niet ingepland; {:.0} m lopen; minuten per loper: {}",
                pts.len(),
                pts.len() - plan.unplanned.len(),
                plan.unplanned.len(),
                walked,
                minutes.join(" ")
            );
            Ok(())
        }
    }
}

fn parse_start(text: &str) -> Result<Point, String> {
    let bad = || format!("--start {text:?} is geen punt: verwacht X,Y in meters, bijvoorbeeld 155000,463000");
    let (x, y) = text.split_once(',').ok_or_else(bad)?;
    let x: f64 = x.trim().parse().map_err(|_| bad())?;
    let y: f64 = y.trim().parse().map_err(|_| bad())?;
    if x.is_finite() && y.is_finite() {
        Ok(Point { x, y })
    } else {
        Err(bad())
    }
}

/// The points file: ids (unique, non-empty) and their points, in file order.
fn read_points(path: &Path) -> Result<(Vec<String>, Vec<Point>), String> {
    let name = path.display();
    let bytes = std::fs::read(path).map_err(|e| format!("kan {name} niet lezen: {e}"))?;
    let table = csv::parse(&bytes).map_err(|e| format!("{name}: {e}"))?;
    let column = |c: &str| table.column(c).ok_or_else(|| format!("{name}: kolom {c} ontbreekt (verwacht id,x,y)"));
    let (id_col, x_col, y_col) = (column("id")?, column("x")?, column("y")?);
    let mut ids = Vec::with_capacity(table.rows.len());
    let mut pts = Vec::with_capacity(table.rows.len());
    let mut first_line: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (line, row) in &table.rows {
        let id = row[id_col].trim();
        if id.is_empty() {
            return Err(format!("{name}: regel {line}, veld id: is leeg"));
        }
        if let Some(earlier) = first_line.insert(id.to_string(), *line) {
            return Err(format!("{name}: regel {line}, veld id: {id:?} staat ook op regel {earlier}"));
        }
        let number = |field: &str, col: usize| -> Result<f64, String> {
            let text = row[col].trim();
            match text.parse::<f64>() {
                Ok(v) if v.is_finite() => Ok(v),
                _ => Err(format!("{name}: regel {line}, veld {field}: {text:?} is geen getal")),
            }
        };
        let x = number("x", x_col)?;
        let y = number("y", y_col)?;
        ids.push(id.to_string());
        pts.push(Point { x, y });
    }
    if pts.is_empty() {
        return Err(format!("{name}: geen punten (alleen een kopregel)"));
    }
    Ok((ids, pts))
}

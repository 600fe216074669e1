//! `eropaf route tsp|plan` as a user runs it: a tour is a permutation of the ids, a plan keeps
//! every walker within the shift and writes the doors that do not fit, and a bad row is named by
//! line and field with no output file left behind.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_eropaf");

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("eropaf-route-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn eropaf(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().unwrap()
}

/// A street with houses on both sides every 8 m and a flat of 12 doors.
fn points(dir: &Path) -> (PathBuf, Vec<(String, f64, f64)>) {
    let mut rows = Vec::new();
    for k in 0..40 {
        rows.push((format!("h{k}a"), 155_000.0 + k as f64 * 8.0, 463_000.0));
        rows.push((format!("h{k}b"), 155_000.0 + k as f64 * 8.0, 463_014.0));
    }
    for k in 0..12 {
        rows.push((format!("flat-{k}"), 155_100.0, 463_040.0));
    }
    let mut text = String::from("id,x,y\n");
    for (id, x, y) in &rows {
        text.push_str(&format!("{id},{x},{y}\n"));
    }
    let path = dir.join("points.csv");
    std::fs::write(&path, text).unwrap();
    (path, rows)
}

fn read_rows(path: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines().skip(1).map(|l| l.split(',').map(str::to_string).collect()).collect()
}

#[test]
fn tsp_writes_a_closed_tour_over_every_id() {
    let dir = temp_dir("tsp");
    let (input, rows) = points(&dir);
    let out = dir.join("tour.csv");
    let run = eropaf(&["route", "tsp", input.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(String::from_utf8_lossy(&run.stdout).contains("rondgang"));
    let tour = read_rows(&out);
    let seqs: Vec<String> = tour.iter().map(|r| r[0].clone()).collect();
    assert_eq!(seqs, (1..=rows.len()).map(|s| s.to_string()).collect::<Vec<_>>());
    let mut ids: Vec<String> = tour.iter().map(|r| r[1].clone()).collect();
    ids.sort();
    let mut want: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    want.sort();
    assert_eq!(ids, want);
}

#[test]
fn plan_keeps_every_walker_within_the_shift_and_writes_the_unplanned() {
    let dir = temp_dir("plan");
    let (input, rows) = points(&dir);
    let out = dir.join("plan.csv");
    // 92 doors at 60 s each need over 90 minutes: two walkers of 30 minutes cannot do them all.
    let run = eropaf(&[
        "route",
        "plan",
        input.to_str().unwrap(),
        "--walkers",
        "2",
        "--shift-minutes",
        "30",
        "--service-seconds",
        "60",
        "--start",
        "155000,463000",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let plan = read_rows(&out);
    let where_: std::collections::HashMap<&str, (f64, f64)> = rows.iter().map(|(id, x, y)| (id.as_str(), (*x, *y))).collect();
    let mut seen: Vec<&str> = plan.iter().map(|r| r[2].as_str()).collect();
    seen.sort();
    let mut want: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    want.sort();
    assert_eq!(seen, want, "every id exactly once");
    let unplanned = plan.iter().filter(|r| r[0].is_empty() && r[1].is_empty()).count();
    assert!(unplanned > 0, "a 30-minute shift cannot hold all doors");
    let speed = 4.5 / 3.6;
    for walker in ["1", "2"] {
        let route: Vec<(f64, f64)> = plan.iter().filter(|r| r[0] == walker).map(|r| where_[r[2].as_str()]).collect();
        let mut at = (155_000.0, 463_000.0);
        let mut walk = 0.0;
        for &p in route.iter().chain(std::iter::once(&(155_000.0, 463_000.0))) {
            walk += (p.0 - at.0).hypot(p.1 - at.1);
            at = p;
        }
        let seconds = walk / speed + 60.0 * route.len() as f64;
        assert!(seconds <= 30.0 * 60.0 + 1e-6, "walker {walker}: {seconds} s");
        let seqs: Vec<usize> = plan.iter().filter(|r| r[0] == walker).map(|r| r[1].parse().unwrap()).collect();
        assert_eq!(seqs, (1..=route.len()).collect::<Vec<_>>());
    }

    // With enough time every door is planned.
    let all = eropaf(&[
        "route",
        "plan",
        input.to_str().unwrap(),
        "--walkers",
        "2",
        "--shift-minutes",
        "90",
        "--service-seconds",
        "60",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(all.status.success(), "{}", String::from_utf8_lossy(&all.stderr));
    assert!(read_rows(&out).iter().all(|r| !r[0].is_empty()));
    assert!(String::from_utf8_lossy(&all.stdout).contains("0 niet ingepland"));
}

#[test]
fn bad_rows_name_line_and_field_and_write_nothing() {
    let dir = temp_dir("bad");
    let out = dir.join("out.csv");
    let cases: [(&str, &str); 6] = [
        ("id,x,y\na,1,2\nb,12a,3\n", "regel 3, veld x: \"12a\" is geen getal"),
        ("id,x,y\na,1,2\nb,1,\n", "regel 3, veld y"),
        ("id,x,y\na,1,2\na,3,4\n", "regel 3, veld id"),
        ("id,x,y\n,1,2\n", "regel 2, veld id"),
        ("id,x\na,1\n", "kolom y ontbreekt"),
        ("id,x,y\n", "geen punten"),
    ];
    for (text, message) in cases {
        let input = dir.join("points.csv");
        std::fs::write(&input, text).unwrap();
        for args in [
            vec!["route", "tsp", input.to_str().unwrap(), "--out", out.to_str().unwrap()],
            vec![
                "route",
                "plan",
                input.to_str().unwrap(),
                "--walkers",
                "1",
                "--shift-minutes",
                "60",
                "--service-seconds",
                "30",
                "--out",
                out.to_str().unwrap(),
            ],
        ] {
            let run = eropaf(&args);
            assert!(!run.status.success());
            let stderr = String::from_utf8_lossy(&run.stderr);
            assert!(stderr.contains(message), "{text:?}: {stderr}");
            assert!(!out.exists(), "no output after an error");
        }
    }
    // Bad parameters are errors in Dutch too.
    std::fs::write(dir.join("ok.csv"), "id,x,y\na,1,2\n").unwrap();
    let run = eropaf(&[
        "route",
        "plan",
        dir.join("ok.csv").to_str().unwrap(),
        "--walkers",
        "0",
        "--shift-minutes",
        "60",
        "--service-seconds",
        "30",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!run.status.success());
    assert!(String::from_utf8_lossy(&run.stderr).contains("loper"));
    assert!(!out.exists());
}

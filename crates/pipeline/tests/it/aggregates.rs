//! The cross-document answers, asserted on the cases that matter: the price
//! ladder of seed 001's route, seed 003's half-year national figures, a claim
//! repeated by several articles, and duplicates left out.

use polars::prelude::DataFrame;

use crate::support::{read_table, run_into, seeds_dir, strings};

fn floats(frame: &DataFrame, column: &str) -> Vec<f64> {
    frame.column(column).unwrap().f64().unwrap().iter().map(|v| v.unwrap_or(f64::NAN)).collect()
}

fn optional(frame: &DataFrame, column: &str) -> Vec<Option<String>> {
    frame.column(column).unwrap().str().unwrap().iter().map(|v| v.map(str::to_string)).collect()
}

#[test]
fn the_price_ladder_keeps_each_stage_of_the_route_of_seed_001_apart() {
    let out = tempfile::tempdir().unwrap();
    run_into(&seeds_dir(), out.path(), 2);
    let ladder = read_table(out.path(), "price_ladder");
    let (drugs, pers, places, medians) = (
        optional(&ladder, "drug"),
        strings(&ladder, "per"),
        optional(&ladder, "place_id"),
        floats(&ladder, "price_usd_median"),
    );
    let rung = |drug: &str, place: &str| -> Vec<(String, f64)> {
        (0..ladder.height())
            .filter(|&i| drugs[i].as_deref() == Some(drug) && places[i].as_deref() == Some(place))
            .map(|i| (pers[i].clone(), medians[i]))
            .collect()
    };
    // Paste in the Peruvian valleys and in Santa Cruz; hydrochloride in Brazil and Europe.
    assert_eq!(rung("cocaine paste", "region:vraem"), [("kg".to_string(), 1000.0)]);
    assert_eq!(rung("cocaine paste", "geonames:3904906"), [("kg".to_string(), 1500.0)]);
    assert_eq!(rung("cocaine", "iso:BR"), [("kg".to_string(), 10000.0)]);
    assert_eq!(rung("cocaine", "region:europe"), [("kg".to_string(), 50000.0)]);
    // A pilot's pay per flight is money per flight, never a price per kg.
    let per_flight: Vec<f64> = (0..ladder.height()).filter(|&i| pers[i] == "flight").map(|i| medians[i]).collect();
    assert_eq!(per_flight, [25000.0]);
}

#[test]
fn seizure_totals_keep_seed_003_half_year_national_figures_as_period_totals() {
    let out = tempfile::tempdir().unwrap();
    run_into(&seeds_dir(), out.path(), 2);
    let totals = read_table(out.path(), "seizure_totals");
    let (countries, drugs) = (optional(&totals, "country"), optional(&totals, "drug"));
    let years: Vec<Option<i64>> = totals.column("year").unwrap().i64().unwrap().iter().collect();
    let (incidents, periods) = (floats(&totals, "kg_incidents"), floats(&totals, "kg_period_totals"));
    let row = |drug: &str| {
        (0..totals.height())
            .find(|&i| {
                countries[i].as_deref() == Some("BO") && years[i] == Some(2015) && drugs[i].as_deref() == Some(drug)
            })
            .map(|i| (incidents[i], periods[i]))
    };
    assert_eq!(row("marijuana"), Some((0.0, 53_000.0)));
    assert_eq!(row("cocaine hydrochloride"), Some((0.0, 7_400.0)));
    assert_eq!(row("cocaine base"), Some((0.0, 6_500.0)));
}

/// Four short articles: one period figure reported twice in different words,
/// one single seizure, and a republished copy of it.
pub fn repeated_claims_corpus(dir: &std::path::Path) {
    let write = |name: &str, text: &str| std::fs::write(dir.join(name), text).unwrap();
    write(
        "claims/la-razon.txt",
        "Bolivia Reports Record Seizures\n\nLA PAZ, Bolivia, July 20, 2015\n\nBolivia's anti-drug force (FELCN) seized 7.4 tons of cocaine hydrochloride between January and June 2015, the FELCN said.\n\nThe agency said most of the drug came from Peru.",
    );
    write(
        "claims/el-deber.txt",
        "FELCN Half-Year Figures\n\nSANTA CRUZ, Bolivia, July 22, 2015\n\nThe FELCN seized 7.45 tons of cocaine hydrochloride in Bolivia between January and June 2015, the FELCN said on Wednesday.\n\nOfficials did not give details on the origin of the drug.",
    );
    let bust = "Police seized 500 kilograms of cocaine hydrochloride in Santa Cruz, Bolivia, on March 3, 2015, the FELCN said.\n\nThree suspects were arrested during the operation near the airport.\n\nIn Santa Cruz, a gram of cocaine sells for $12 on the street, police said.";
    write("claims/wire.txt", &format!("Police Seize Cocaine in Santa Cruz\n\nMarch 4, 2015\n\n{bust}"));
    write("claims/wire-copy.txt", &format!("Cocaine Bust in Bolivia\n\nMarch 5, 2015\n\n{bust}\n\nShare this story"));
}

#[test]
fn a_figure_repeated_by_several_articles_counts_once_and_copies_never_count() {
    let input = tempfile::tempdir().unwrap();
    std::fs::create_dir(input.path().join("claims")).unwrap();
    repeated_claims_corpus(input.path());
    let out = tempfile::tempdir().unwrap();
    run_into(input.path(), out.path(), 2);

    // Input order is by path: wire-copy.txt comes first, so wire.txt is the copy.
    let documents = read_table(out.path(), "documents");
    let copy = strings(&documents, "source").iter().position(|s| s == "claims/wire.txt").unwrap();
    let copy_id = strings(&documents, "doc_id")[copy].clone();
    assert!(optional(&documents, "duplicate_of")[copy].is_some(), "the republished story is a duplicate");

    let totals = read_table(out.path(), "seizure_totals");
    let drugs = optional(&totals, "drug");
    let i = drugs.iter().position(|d| d.as_deref() == Some("cocaine hydrochloride")).expect("a hydrochloride row");
    assert_eq!(optional(&totals, "country")[i].as_deref(), Some("BO"));
    assert_eq!(floats(&totals, "kg_period_totals")[i], 7_400.0, "7.4 t and 7.45 t are one claim");
    assert_eq!(floats(&totals, "kg_incidents")[i], 500.0, "the copy of the bust adds nothing");
    let counts = |column: &str| totals.column(column).unwrap().i64().unwrap().get(i).unwrap();
    assert_eq!((counts("incidents"), counts("period_totals"), counts("repeats")), (1, 1, 1));
    let doc_ids = totals.column("doc_ids").unwrap().list().unwrap().get_as_series(i).unwrap();
    let doc_ids: Vec<String> = doc_ids.str().unwrap().iter().map(|v| v.unwrap().to_string()).collect();
    assert_eq!(doc_ids.len(), 3);
    assert!(!doc_ids.contains(&copy_id));

    // A street price per gram is a retail rung per kg.
    let ladder = read_table(out.path(), "price_ladder");
    let row = strings(&ladder, "per").iter().position(|p| p == "kg").expect("a per-kg rung");
    assert_eq!(floats(&ladder, "price_usd_median")[row], 12_000.0);
    assert_eq!(optional(&ladder, "level")[row].as_deref(), Some("retail"));
    assert_eq!(optional(&ladder, "place_name")[row].as_deref(), Some("Santa Cruz de la Sierra"));
    assert_eq!(ladder.height(), 1, "the copy's price is not a second rung");
}

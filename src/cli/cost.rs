//! `cost`: the monthly estimate of each stack, per resource and in total; and the line `plan`
//! adds with the difference a change makes.

use std::fmt::Write as _;
use std::io::Write;

use stratus_core::Stack;
use stratus_core::cost::{self, CostEstimate, Usage};
use stratus_core::deploy::State;

use super::VerbResult;

/// `$1,234.56`.
fn usd(amount: f64) -> String {
    let cents = (amount * 100.0).round();
    let sign = if cents < 0.0 { "-" } else { "" };
    let cents = cents.abs();
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // rounded, positive, small
    let (whole, rest) = ((cents / 100.0).trunc() as u64, (cents % 100.0) as u64);
    let mut digits = whole.to_string();
    let mut grouped = String::new();
    while digits.len() > 3 {
        let tail = digits.split_off(digits.len() - 3);
        grouped = format!(",{tail}{grouped}");
    }
    format!("{sign}${digits}{grouped}.{rest:02}")
}

/// `cost [--json]`: every billed resource with its figure, what it is made of and what it
/// assumes; the total with its range; the price book's date, region and source.
pub(super) fn cost(stacks: &[&Stack], json: bool, out: &mut dyn Write) -> VerbResult {
    let estimates: Vec<CostEstimate> = stacks.iter().map(|s| cost::estimate(s)).collect();
    if json {
        let value = if let [only] = estimates.as_slice() {
            serde_json::to_value(only)
        } else {
            serde_json::to_value(&estimates)
        }
        .map_err(|e| e.to_string())?;
        writeln!(out, "{value:#}").map_err(|e| e.to_string())?;
        return Ok(0);
    }
    for estimate in &estimates {
        write!(out, "{}", render(estimate)).map_err(|e| e.to_string())?;
    }
    Ok(0)
}

fn render(estimate: &CostEstimate) -> String {
    let mut text = String::new();
    let prices = estimate.prices;
    let _ = writeln!(
        text,
        "Stack {}: monthly cost estimate (on-demand prices of {} as of {}, {})",
        estimate.stack, prices.region, prices.as_of, prices.currency
    );
    if let Some(note) = &estimate.region_note {
        let _ = writeln!(text, "  note: {note}");
    }
    for line in &estimate.lines {
        let figure = match (&line.unknown, line.max_monthly_usd) {
            (Some(_), _) => "not estimated".to_owned(),
            (None, Some(max)) => format!("{} (up to {})", usd(line.monthly_usd), usd(max)),
            (None, None) => usd(line.monthly_usd),
        };
        let _ = writeln!(
            text,
            "  {:<44} {:>24}  {}",
            line.path, figure, line.type_name
        );
        let _ = writeln!(
            text,
            "      {}",
            line.unknown.as_deref().unwrap_or(&line.description)
        );
        for assumption in &line.assumptions {
            let _ = writeln!(text, "      assumes {assumption}");
        }
    }
    let unknown = estimate.unknown().count();
    let left_out = if unknown == 0 {
        String::new()
    } else {
        format!("; {unknown} not estimated (left out of the total)")
    };
    let _ = writeln!(
        text,
        "  total {} a month (up to {} with every group at its maximum); {} resource(s) free{left_out}",
        usd(estimate.total_monthly_usd),
        usd(estimate.max_total_monthly_usd),
        estimate.free_resources,
    );
    let _ = writeln!(text, "  prices: {}", prices.source);
    text
}

/// The line `plan` prints: what the stack costs as recorded, as declared, and the difference.
pub(super) fn difference(stack: &Stack, recorded: Option<&State>) -> String {
    let usage = Usage::default();
    let after = cost::estimate_with(stack, &usage).total_monthly_usd;
    let before = recorded.map_or(0.0, |state| {
        cost::estimate_state(state, &usage).total_monthly_usd
    });
    let change = after - before;
    let sign = if change >= 0.0 { "+" } else { "" };
    format!(
        "Monthly cost estimate: {} -> {} ({sign}{}); `cost` itemizes it\n",
        usd(before),
        usd(after),
        usd(change)
    )
}

#[cfg(test)]
mod tests {
    use super::usd;

    #[test]
    fn dollars_are_grouped_and_rounded() {
        assert_eq!(usd(0.0), "$0.00");
        assert_eq!(usd(1234.5678), "$1,234.57");
        assert_eq!(usd(-41.004), "-$41.00");
        assert_eq!(usd(1_000_000.0), "$1,000,000.00");
    }
}

//! "Did you mean" suggestions for misspelt names.

/// The candidate closest to `input` by edit distance (case-insensitive), if it is close
/// enough to be a plausible typo: at most a third of the longer name's length, and at
/// least one edit allowed.
pub fn did_you_mean<'a, I>(input: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let input_l = input.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (edit_distance(&input_l, &c.to_lowercase()), c))
        .filter(|&(d, c)| d <= (input.len().max(c.len()) / 3).max(1))
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

/// Edit distance counting an adjacent transposition as one edit (optimal string
/// alignment), since "cubci" is one slip from "cubic".
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    d[0] = (0..=b.len()).collect();
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_nearest_plausible_name() {
        let names = ["reno", "vegas", "westwood", "bic", "cubic"];
        assert_eq!(did_you_mean("cubci", names), Some("cubic"));
        assert_eq!(did_you_mean("Vegsa", names), Some("vegas"));
        assert_eq!(did_you_mean("bbr", names), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("cubci", "cubic"), 1);
    }
}

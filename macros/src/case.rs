//! Field-name to CloudFormation-name conversion.

/// `enable_dns_hostnames` → `EnableDnsHostnames`. A raw identifier's `r#` is dropped.
pub(crate) fn pascal_case(snake: &str) -> String {
    snake
        .trim_start_matches("r#")
        .split('_')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_uppercase().chain(chars).collect::<String>()
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::pascal_case;

    #[test]
    fn converts_snake_to_pascal() {
        assert_eq!(pascal_case("cidr_block"), "CidrBlock");
        assert_eq!(pascal_case("enable_dns_hostnames"), "EnableDnsHostnames");
        assert_eq!(pascal_case("r#type"), "Type");
        assert_eq!(pascal_case("vpc_id"), "VpcId");
    }
}

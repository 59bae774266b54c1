//! What a role's inline policies allow.

use crate::iam::Role;
use crate::value::Value;

use super::Inspect;

impl Inspect<'_> {
    /// The resources on which `role`'s inline policies allow `action` (a statement's action
    /// may be `service:*` or `*`). Wildcard resources come back as the string `"*"`.
    ///
    /// Managed policies are not looked into: their documents live in AWS.
    pub fn allowed_resources(&self, role: Role, action: &str) -> Vec<Value> {
        let role_id = role.id().id();
        let mut out = Vec::new();
        for (_, node) in self.stack().graph().by_type("AWS::IAM::RolePolicy") {
            if node.properties.get("RoleName").and_then(Value::as_ref_id) != Some(role_id) {
                continue;
            }
            let Some(statements) = node
                .properties
                .get("PolicyDocument")
                .and_then(|d| d.get("Statement"))
                .and_then(Value::as_list)
            else {
                continue;
            };
            for statement in statements {
                let allows = statement.get("Effect").and_then(Value::as_str) == Some("Allow");
                let actions = statement
                    .get("Action")
                    .and_then(Value::as_list)
                    .unwrap_or_default();
                let matches = actions
                    .iter()
                    .filter_map(Value::as_str)
                    .any(|a| action_matches(a, action));
                if allows && matches {
                    out.extend(
                        statement
                            .get("Resource")
                            .and_then(Value::as_list)
                            .unwrap_or_default()
                            .iter()
                            .cloned(),
                    );
                }
            }
        }
        out
    }
}

fn action_matches(pattern: &str, action: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    match pattern.strip_suffix('*') {
        Some(prefix) => action
            .to_ascii_lowercase()
            .starts_with(&prefix.to_ascii_lowercase()),
        None => pattern.eq_ignore_ascii_case(action),
    }
}

#[cfg(test)]
mod tests {
    use super::action_matches;

    #[test]
    fn wildcards() {
        assert!(action_matches(
            "secretsmanager:*",
            "secretsmanager:GetSecretValue"
        ));
        assert!(action_matches("*", "s3:GetObject"));
        assert!(action_matches(
            "secretsmanager:getsecretvalue",
            "secretsmanager:GetSecretValue"
        ));
        assert!(!action_matches("s3:*", "secretsmanager:GetSecretValue"));
    }
}

//! Elastic Load Balancing v2: application load balancers, target groups, listeners.

use std::collections::BTreeMap;

use aws_sdk_elasticloadbalancingv2::Client;
use aws_sdk_elasticloadbalancingv2::types::{
    Action, ActionTypeEnum, Certificate, LoadBalancerSchemeEnum, LoadBalancerTypeEnum, Matcher,
    ProtocolEnum, Tag, TargetTypeEnum,
};
use stratus_core::deploy::{
    Attributes, CreateRequest, Created, ErrorKind, Inputs, Json, ProviderError,
};

use crate::error::{absent_if_not_found, classify, invalid};
use crate::inputs::{opt_i32, opt_string, string, string_list, tags};
use crate::names::generated;

/// The types this module handles.
pub(crate) const TYPES: &[&str] = &[
    "AWS::ElasticLoadBalancingV2::LoadBalancer",
    "AWS::ElasticLoadBalancingV2::TargetGroup",
    "AWS::ElasticLoadBalancingV2::Listener",
];

fn elb_tags(inputs: &Inputs, ownership: &BTreeMap<String, String>) -> Vec<Tag> {
    tags(inputs, "Tags", ownership)
        .into_iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect()
}

fn actions(inputs: &Inputs) -> Vec<Action> {
    inputs
        .get("DefaultActions")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .map(|a| {
            Action::builder()
                .r#type(ActionTypeEnum::from(
                    a.get("Type").and_then(Json::as_str).unwrap_or("forward"),
                ))
                .set_target_group_arn(
                    a.get("TargetGroupArn")
                        .and_then(Json::as_str)
                        .map(str::to_owned),
                )
                .build()
        })
        .collect()
}

fn certificates(inputs: &Inputs) -> Option<Vec<Certificate>> {
    let list = inputs.get("Certificates")?.as_array()?;
    Some(
        list.iter()
            .map(|c| {
                Certificate::builder()
                    .set_certificate_arn(
                        c.get("CertificateArn")
                            .and_then(Json::as_str)
                            .map(str::to_owned),
                    )
                    .build()
            })
            .collect(),
    )
}

async fn balancer(client: &Client, arn: &str) -> Result<Created, ProviderError> {
    let out = client
        .describe_load_balancers()
        .load_balancer_arns(arn)
        .send()
        .await
        .map_err(classify)?;
    let lb = out
        .load_balancers()
        .first()
        .ok_or_else(|| ProviderError::new(ErrorKind::NotFound, arn.to_owned()))?;
    let text = |v: Option<&str>| Json::String(v.unwrap_or_default().to_owned());
    Ok(Created {
        physical_id: arn.to_owned(),
        attributes: [
            ("DNSName".to_owned(), text(lb.dns_name())),
            (
                "CanonicalHostedZoneID".to_owned(),
                text(lb.canonical_hosted_zone_id()),
            ),
            ("LoadBalancerName".to_owned(), text(lb.load_balancer_name())),
            ("LoadBalancerArn".to_owned(), text(lb.load_balancer_arn())),
        ]
        .into_iter()
        .collect(),
    })
}

#[allow(clippy::too_many_lines)] // one short arm per resource type
pub(crate) async fn create(
    client: &Client,
    request: CreateRequest<'_>,
) -> Result<Created, ProviderError> {
    let inputs = request.inputs;
    match request.type_name {
        "AWS::ElasticLoadBalancingV2::LoadBalancer" => {
            let name = opt_string(inputs, "Name").map_or_else(
                || generated(request.ownership, request.token, 32, false),
                str::to_owned,
            );
            let out = client
                .create_load_balancer()
                .name(&name)
                .set_subnets(Some(string_list(inputs, "Subnets")))
                .set_security_groups(Some(string_list(inputs, "SecurityGroups")))
                .scheme(LoadBalancerSchemeEnum::from(string(inputs, "Scheme")?))
                .r#type(LoadBalancerTypeEnum::from(
                    opt_string(inputs, "Type").unwrap_or("application"),
                ))
                .set_tags(Some(elb_tags(inputs, request.ownership)))
                .send()
                .await
                .map_err(classify)?;
            let arn = out
                .load_balancers()
                .first()
                .and_then(|lb| lb.load_balancer_arn())
                .ok_or_else(|| invalid("no load balancer ARN"))?;
            balancer(client, arn).await
        }
        "AWS::ElasticLoadBalancingV2::TargetGroup" => {
            let name = opt_string(inputs, "Name").map_or_else(
                || generated(request.ownership, request.token, 32, false),
                str::to_owned,
            );
            let out = client
                .create_target_group()
                .name(&name)
                .set_port(opt_i32(inputs.get("Port")))
                .protocol(ProtocolEnum::from(
                    opt_string(inputs, "Protocol").unwrap_or("HTTP"),
                ))
                .set_vpc_id(opt_string(inputs, "VpcId").map(str::to_owned))
                .target_type(TargetTypeEnum::from(
                    opt_string(inputs, "TargetType").unwrap_or("instance"),
                ))
                .set_health_check_path(opt_string(inputs, "HealthCheckPath").map(str::to_owned))
                .set_health_check_protocol(
                    opt_string(inputs, "HealthCheckProtocol").map(ProtocolEnum::from),
                )
                .set_health_check_interval_seconds(opt_i32(
                    inputs.get("HealthCheckIntervalSeconds"),
                ))
                .set_matcher(
                    inputs
                        .get("Matcher")
                        .and_then(|m| m.get("HttpCode"))
                        .and_then(Json::as_str)
                        .map(|c| Matcher::builder().http_code(c).build()),
                )
                .set_tags(Some(elb_tags(inputs, request.ownership)))
                .send()
                .await
                .map_err(classify)?;
            let arn = out
                .target_groups()
                .first()
                .and_then(|t| t.target_group_arn())
                .ok_or_else(|| invalid("no target group ARN"))?
                .to_owned();
            Ok(Created {
                attributes: [("TargetGroupArn".to_owned(), Json::String(arn.clone()))]
                    .into_iter()
                    .collect(),
                physical_id: arn,
            })
        }
        "AWS::ElasticLoadBalancingV2::Listener" => {
            let out = client
                .create_listener()
                .load_balancer_arn(string(inputs, "LoadBalancerArn")?)
                .set_port(opt_i32(inputs.get("Port")))
                .protocol(ProtocolEnum::from(
                    opt_string(inputs, "Protocol").unwrap_or("HTTP"),
                ))
                .set_default_actions(Some(actions(inputs)))
                .set_certificates(certificates(inputs))
                .send()
                .await
                .map_err(classify)?;
            let arn = out
                .listeners()
                .first()
                .and_then(|l| l.listener_arn())
                .ok_or_else(|| invalid("no listener ARN"))?
                .to_owned();
            Ok(Created {
                attributes: [("ListenerArn".to_owned(), Json::String(arn.clone()))]
                    .into_iter()
                    .collect(),
                physical_id: arn,
            })
        }
        other => Err(invalid(format!("elbv2 does not handle {other}"))),
    }
}

pub(crate) async fn update(
    client: &Client,
    type_name: &str,
    physical_id: &str,
    inputs: &Inputs,
    _changed: &[String],
) -> Result<Attributes, ProviderError> {
    match type_name {
        "AWS::ElasticLoadBalancingV2::LoadBalancer" => {
            client
                .set_subnets()
                .load_balancer_arn(physical_id)
                .set_subnets(Some(string_list(inputs, "Subnets")))
                .send()
                .await
                .map_err(classify)?;
            client
                .set_security_groups()
                .load_balancer_arn(physical_id)
                .set_security_groups(Some(string_list(inputs, "SecurityGroups")))
                .send()
                .await
                .map_err(classify)?;
            Ok(balancer(client, physical_id).await?.attributes)
        }
        "AWS::ElasticLoadBalancingV2::TargetGroup" => {
            client
                .modify_target_group()
                .target_group_arn(physical_id)
                .set_health_check_path(opt_string(inputs, "HealthCheckPath").map(str::to_owned))
                .set_health_check_interval_seconds(opt_i32(
                    inputs.get("HealthCheckIntervalSeconds"),
                ))
                .send()
                .await
                .map_err(classify)?;
            Ok(Attributes::new())
        }
        "AWS::ElasticLoadBalancingV2::Listener" => {
            client
                .modify_listener()
                .listener_arn(physical_id)
                .set_port(opt_i32(inputs.get("Port")))
                .protocol(ProtocolEnum::from(
                    opt_string(inputs, "Protocol").unwrap_or("HTTP"),
                ))
                .set_default_actions(Some(actions(inputs)))
                .set_certificates(certificates(inputs))
                .send()
                .await
                .map_err(classify)?;
            Ok(Attributes::new())
        }
        _ => Ok(Attributes::new()),
    }
}

pub(crate) async fn delete(
    client: &Client,
    type_name: &str,
    physical_id: &str,
) -> Result<(), ProviderError> {
    match type_name {
        "AWS::ElasticLoadBalancingV2::LoadBalancer" => client
            .delete_load_balancer()
            .load_balancer_arn(physical_id)
            .send()
            .await
            .map(|_| ())
            .map_err(classify),
        "AWS::ElasticLoadBalancingV2::TargetGroup" => client
            .delete_target_group()
            .target_group_arn(physical_id)
            .send()
            .await
            .map(|_| ())
            .map_err(classify),
        "AWS::ElasticLoadBalancingV2::Listener" => client
            .delete_listener()
            .listener_arn(physical_id)
            .send()
            .await
            .map(|_| ())
            .map_err(classify),
        other => Err(invalid(format!("elbv2 does not handle {other}"))),
    }
}

pub(crate) async fn read(
    client: &Client,
    type_name: &str,
    physical_id: &str,
) -> Result<Option<Attributes>, ProviderError> {
    let result = match type_name {
        "AWS::ElasticLoadBalancingV2::LoadBalancer" => {
            balancer(client, physical_id).await.map(|c| c.attributes)
        }
        "AWS::ElasticLoadBalancingV2::TargetGroup" => client
            .describe_target_groups()
            .target_group_arns(physical_id)
            .send()
            .await
            .map_err(classify)
            .map(|_| Attributes::new()),
        _ => client
            .describe_listeners()
            .listener_arns(physical_id)
            .send()
            .await
            .map_err(classify)
            .map(|_| Attributes::new()),
    };
    absent_if_not_found(result)
}

pub(crate) async fn find(
    client: &Client,
    type_name: &str,
    token: &str,
    ownership: &BTreeMap<String, String>,
) -> Result<Option<Created>, ProviderError> {
    if type_name != "AWS::ElasticLoadBalancingV2::LoadBalancer" {
        return Ok(None);
    }
    let name = generated(ownership, token, 32, false);
    match client
        .describe_load_balancers()
        .names(&name)
        .send()
        .await
        .map_err(classify)
    {
        Ok(out) => match out
            .load_balancers()
            .first()
            .and_then(|lb| lb.load_balancer_arn())
        {
            Some(arn) => Ok(Some(balancer(client, arn).await?)),
            None => Ok(None),
        },
        Err(e) if e.kind == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

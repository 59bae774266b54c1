//! `AWS::ElasticLoadBalancingV2::LoadBalancer`: unique by name (derived from the token when none
//! is declared), tagged with the stack's ownership. ELB answers a create with an existing
//! balancer of the same name and settings as success, so the name is looked up first. A create
//! returns once the balancer is `active`: until then its DNS name does not answer.

use async_trait::async_trait;
use aws_sdk_elasticloadbalancingv2::types::{
    LoadBalancer as SdkBalancer, LoadBalancerSchemeEnum, LoadBalancerStateEnum,
    LoadBalancerTypeEnum,
};
use stratus_core::deploy::{
    Attributes, CreateRequest, Created, DeleteRequest, ErrorKind, FindRequest, Inputs, Json, Live,
    ProviderError, TypeContract, UpdateRequest,
};

use super::{live_tags, sdk_tags, sync_tags};
use crate::contracts;
use crate::error::{absent_if_not_found as absent, classify};
use crate::handler::{Context, Handler, read_back};
use crate::inputs::{opt_string, string, string_list};
use crate::names::generated;
use crate::ownership;
use crate::wait::poll;

pub(super) struct LoadBalancer;

fn name_of(request: &CreateRequest<'_>) -> String {
    opt_string(request.inputs, "Name").map_or_else(
        || generated(request.ownership, request.token, 32, false),
        str::to_owned,
    )
}

async fn by_name(cx: &Context, name: &str) -> Result<Option<SdkBalancer>, ProviderError> {
    let out = cx.elb.describe_load_balancers().names(name).send().await;
    Ok(absent(out.map_err(classify))?.and_then(|o| o.load_balancers().first().cloned()))
}

async fn by_arn(cx: &Context, arn: &str) -> Result<Option<SdkBalancer>, ProviderError> {
    let out = cx
        .elb
        .describe_load_balancers()
        .load_balancer_arns(arn)
        .send()
        .await;
    Ok(absent(out.map_err(classify))?.and_then(|o| o.load_balancers().first().cloned()))
}

/// Waits until the balancer leaves `provisioning`: its DNS name answers only once it is
/// `active` (or `active_impaired`); `failed` is an error with AWS's reason.
async fn until_active(cx: &Context, arn: &str) -> Result<(), ProviderError> {
    poll(
        &cx.wait,
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        &format!("load balancer {arn} to be active"),
        || async {
            let state = by_arn(cx, arn).await?.and_then(|lb| lb.state().cloned());
            let code = state.as_ref().and_then(|s| s.code());
            match code {
                Some(LoadBalancerStateEnum::Active | LoadBalancerStateEnum::ActiveImpaired) => {
                    Ok(Some(()))
                }
                Some(LoadBalancerStateEnum::Failed) => Err(ProviderError::new(
                    ErrorKind::Other,
                    format!(
                        "load balancer {arn} failed to provision: {}",
                        state
                            .as_ref()
                            .and_then(|s| s.reason())
                            .unwrap_or("no reason given")
                    ),
                )),
                // Provisioning, or not visible yet right after its create.
                _ => Ok(None),
            }
        },
    )
    .await
}

#[async_trait]
impl Handler for LoadBalancer {
    fn contract(&self) -> &'static TypeContract {
        &contracts::elb::LOAD_BALANCER
    }

    async fn create(
        &self,
        cx: &Context,
        request: CreateRequest<'_>,
    ) -> Result<Created, ProviderError> {
        if let Some(arn) = request.resume {
            until_active(cx, arn).await?;
            return read_back(self, cx, arn).await;
        }
        let inputs = request.inputs;
        let name = name_of(&request);
        if let Some(existing) = by_name(cx, &name).await? {
            let arn = existing.load_balancer_arn().unwrap_or_default();
            let tags = live_tags(&cx.elb, arn).await?;
            if !ownership::made_by(&tags, request.token) {
                return Err(ownership::refuse(&request, arn, &tags));
            }
            until_active(cx, arn).await?;
            return read_back(self, cx, arn).await;
        }
        let tags = ownership::desired(inputs, "Tags", request.ownership);
        let out = cx
            .elb
            .create_load_balancer()
            .name(&name)
            .set_subnets(Some(string_list(inputs, "Subnets")))
            .set_security_groups(Some(string_list(inputs, "SecurityGroups")))
            .scheme(LoadBalancerSchemeEnum::from(string(inputs, "Scheme")?))
            .r#type(LoadBalancerTypeEnum::from(
                opt_string(inputs, "Type").unwrap_or("application"),
            ))
            .set_tags((!tags.is_empty()).then(|| sdk_tags(&tags)))
            .send()
            .await
            .map_err(classify)?;
        let arn = out
            .load_balancers()
            .first()
            .and_then(|lb| lb.load_balancer_arn())
            .ok_or_else(|| crate::error::invalid("no load balancer ARN"))?
            .to_owned();
        until_active(cx, &arn).await?;
        read_back(self, cx, &arn).await
    }

    async fn read(&self, cx: &Context, physical_id: &str) -> Result<Option<Live>, ProviderError> {
        let Some(lb) = by_arn(cx, physical_id).await? else {
            return Ok(None);
        };
        let text = |v: Option<&str>| Json::from(v.unwrap_or_default());
        let mut properties = Inputs::new();
        properties.insert("Name".into(), text(lb.load_balancer_name()));
        properties.insert(
            "Scheme".into(),
            text(lb.scheme().map(LoadBalancerSchemeEnum::as_str)),
        );
        properties.insert(
            "Type".into(),
            text(lb.r#type().map(LoadBalancerTypeEnum::as_str)),
        );
        properties.insert(
            "Subnets".into(),
            Json::from(
                lb.availability_zones()
                    .iter()
                    .filter_map(|z| z.subnet_id().map(str::to_owned))
                    .collect::<Vec<_>>(),
            ),
        );
        properties.insert(
            "SecurityGroups".into(),
            Json::from(lb.security_groups().to_vec()),
        );
        properties.insert(
            "Tags".into(),
            ownership::as_property(&live_tags(&cx.elb, physical_id).await?),
        );
        let name = lb.load_balancer_name().unwrap_or_default();
        // `app/<name>/<id>`: what CloudWatch metrics and access logs call it.
        let full_name = physical_id
            .split_once(":loadbalancer/")
            .map_or("", |(_, rest)| rest);
        let attributes = [
            ("DNSName", text(lb.dns_name())),
            ("CanonicalHostedZoneID", text(lb.canonical_hosted_zone_id())),
            ("LoadBalancerName", Json::from(name)),
            ("LoadBalancerFullName", Json::from(full_name)),
            ("LoadBalancerArn", Json::from(physical_id)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        Ok(Some(Live {
            properties,
            attributes,
        }))
    }

    async fn update(
        &self,
        cx: &Context,
        request: UpdateRequest<'_>,
    ) -> Result<Attributes, ProviderError> {
        let arn = request.physical_id;
        let changed = |p: &str| request.changed.iter().any(|c| c == p);
        if changed("Subnets") {
            cx.elb
                .set_subnets()
                .load_balancer_arn(arn)
                .set_subnets(Some(string_list(request.inputs, "Subnets")))
                .send()
                .await
                .map_err(classify)?;
        }
        if changed("SecurityGroups") {
            cx.elb
                .set_security_groups()
                .load_balancer_arn(arn)
                .set_security_groups(Some(string_list(request.inputs, "SecurityGroups")))
                .send()
                .await
                .map_err(classify)?;
        }
        if changed("Tags") {
            sync_tags(&cx.elb, arn, &request).await?;
        }
        Ok(read_back(self, cx, arn).await?.attributes)
    }

    async fn delete(&self, cx: &Context, request: DeleteRequest<'_>) -> Result<(), ProviderError> {
        let result = cx
            .elb
            .delete_load_balancer()
            .load_balancer_arn(request.physical_id)
            .send()
            .await
            .map_err(classify);
        absent(result).map(|_| ())
    }

    async fn find(
        &self,
        cx: &Context,
        request: FindRequest<'_>,
    ) -> Result<Option<Created>, ProviderError> {
        let name = opt_string(request.inputs, "Name").map_or_else(
            || generated(request.ownership, request.token, 32, false),
            str::to_owned,
        );
        let Some(lb) = by_name(cx, &name).await? else {
            return Ok(None);
        };
        let arn = lb.load_balancer_arn().unwrap_or_default();
        if ownership::made_by(&live_tags(&cx.elb, arn).await?, request.token) {
            read_back(self, cx, arn).await.map(Some)
        } else {
            Ok(None)
        }
    }
}

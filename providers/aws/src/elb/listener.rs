//! `AWS::ElasticLoadBalancingV2::Listener`: a port of a load balancer. Listeners are declared
//! without tags: one that exists on the port is adopted only when its load balancer is this
//! stack's and it is what the declaration says; anything else is refused.

use async_trait::async_trait;
use aws_sdk_elasticloadbalancingv2::types::{
    Action, ActionTypeEnum, Certificate, Listener as SdkListener, ProtocolEnum,
};
use stratus_core::deploy::{
    Attributes, Compare, CreateRequest, Created, DeleteRequest, FindRequest, Inputs, Json, Live,
    ProviderError, TypeContract, UpdateRequest, matches,
};

use super::live_tags;
use crate::contracts;
use crate::error::{absent_if_not_found as absent, classify};
use crate::handler::{Context, Handler, read_back};
use crate::inputs::{opt_i32, opt_string, string};
use crate::ownership;

pub(super) struct Listener;

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

fn live_properties(listener: &SdkListener) -> Inputs {
    let mut properties = Inputs::new();
    properties.insert(
        "LoadBalancerArn".into(),
        Json::from(listener.load_balancer_arn().unwrap_or_default()),
    );
    if let Some(port) = listener.port() {
        properties.insert("Port".into(), Json::from(port));
    }
    if let Some(protocol) = listener.protocol() {
        properties.insert("Protocol".into(), Json::from(protocol.as_str()));
    }
    properties.insert(
        "DefaultActions".into(),
        Json::Array(
            listener
                .default_actions()
                .iter()
                .map(|a| {
                    serde_json::json!({
                        "Type": a.r#type().map(ActionTypeEnum::as_str),
                        "TargetGroupArn": a.target_group_arn(),
                    })
                })
                .collect(),
        ),
    );
    let certificates: Vec<Json> = listener
        .certificates()
        .iter()
        .filter_map(|c| c.certificate_arn())
        .map(|arn| serde_json::json!({ "CertificateArn": arn }))
        .collect();
    if !certificates.is_empty() {
        properties.insert("Certificates".into(), Json::Array(certificates));
    }
    properties
}

/// The listener on the declared port of the declared balancer, if any, and whether the
/// balancer is `stack`'s.
async fn on_port(
    cx: &Context,
    inputs: &Inputs,
    stack: Option<&String>,
) -> Result<Option<(SdkListener, bool)>, ProviderError> {
    let balancer = string(inputs, "LoadBalancerArn")?;
    let port = opt_i32(inputs.get("Port"));
    let out = cx
        .elb
        .describe_listeners()
        .load_balancer_arn(balancer)
        .send()
        .await;
    let Some(listener) = absent(out.map_err(classify))?
        .and_then(|o| o.listeners().iter().find(|l| l.port() == port).cloned())
    else {
        return Ok(None);
    };
    let ours = ownership::of_stack(&live_tags(&cx.elb, balancer).await?, stack);
    Ok(Some((listener, ours)))
}

fn equal(listener: &SdkListener, inputs: &Inputs) -> bool {
    matches(
        Compare::Declared,
        &Json::Object(inputs.clone()),
        Some(&Json::Object(live_properties(listener))),
    )
}

#[async_trait]
impl Handler for Listener {
    fn contract(&self) -> &'static TypeContract {
        &contracts::elb::LISTENER
    }

    async fn create(
        &self,
        cx: &Context,
        request: CreateRequest<'_>,
    ) -> Result<Created, ProviderError> {
        if let Some(arn) = request.resume {
            return read_back(self, cx, arn).await;
        }
        let inputs = request.inputs;
        if let Some((existing, ours)) =
            on_port(cx, inputs, ownership::stack_of(request.ownership)).await?
        {
            let arn = existing.listener_arn().unwrap_or_default();
            if !(ours && equal(&existing, inputs)) {
                return Err(ownership::refuse_child(&request, arn, ours));
            }
            return read_back(self, cx, arn).await;
        }
        let out = cx
            .elb
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
            .ok_or_else(|| crate::error::invalid("no listener ARN"))?
            .to_owned();
        read_back(self, cx, &arn).await
    }

    async fn read(&self, cx: &Context, physical_id: &str) -> Result<Option<Live>, ProviderError> {
        let out = cx
            .elb
            .describe_listeners()
            .listener_arns(physical_id)
            .send()
            .await;
        Ok(absent(out.map_err(classify))?
            .and_then(|o| o.listeners().first().cloned())
            .map(|listener| Live {
                properties: live_properties(&listener),
                attributes: [("ListenerArn".to_owned(), Json::from(physical_id))]
                    .into_iter()
                    .collect(),
            }))
    }

    async fn update(
        &self,
        cx: &Context,
        request: UpdateRequest<'_>,
    ) -> Result<Attributes, ProviderError> {
        let inputs = request.inputs;
        cx.elb
            .modify_listener()
            .listener_arn(request.physical_id)
            .set_port(opt_i32(inputs.get("Port")))
            .protocol(ProtocolEnum::from(
                opt_string(inputs, "Protocol").unwrap_or("HTTP"),
            ))
            .set_default_actions(Some(actions(inputs)))
            .set_certificates(certificates(inputs))
            .send()
            .await
            .map_err(classify)?;
        Ok(read_back(self, cx, request.physical_id).await?.attributes)
    }

    async fn delete(&self, cx: &Context, request: DeleteRequest<'_>) -> Result<(), ProviderError> {
        let result = cx
            .elb
            .delete_listener()
            .listener_arn(request.physical_id)
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
        match on_port(cx, request.inputs, ownership::stack_of(request.ownership)).await? {
            Some((listener, true)) if equal(&listener, request.inputs) => {
                let arn = listener.listener_arn().unwrap_or_default();
                read_back(self, cx, arn).await.map(Some)
            }
            _ => Ok(None),
        }
    }
}

//! EC2 compute: launch templates and instances.
//!
//! A new instance profile takes a few seconds to be visible to EC2 (IAM is eventually
//! consistent): "invalid IAM instance profile" is retried here, boundedly, before giving up.

use std::time::Duration;

use aws_sdk_ec2::Client;
use aws_sdk_ec2::types::{
    Filter, InstanceType, LaunchTemplateHttpTokensState,
    LaunchTemplateIamInstanceProfileSpecificationRequest,
    LaunchTemplateInstanceMetadataEndpointState, LaunchTemplateInstanceMetadataOptionsRequest,
    LaunchTemplateSpecification, LaunchTemplateTagSpecificationRequest, RequestLaunchTemplateData,
    ResourceType, Tag, TagSpecification,
};
use stratus_core::deploy::{
    Attributes, CreateRequest, Created, ErrorKind, Inputs, Json, ProviderError,
};

use crate::error::{classify, invalid};
use crate::inputs::{opt_i32, opt_string, string, strings_of, tags};
use crate::names::generated;

/// The types this module handles.
pub(crate) const TYPES: &[&str] = &["AWS::EC2::LaunchTemplate", "AWS::EC2::Instance"];

/// Attempts while a new instance profile propagates.
const PROPAGATION_ATTEMPTS: u32 = 10;

fn ec2_tags(pairs: impl IntoIterator<Item = (String, String)>) -> Vec<Tag> {
    pairs
        .into_iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect()
}

fn template_data(data: &Json) -> RequestLaunchTemplateData {
    let text = |name: &str| data.get(name).and_then(Json::as_str).map(str::to_owned);
    let mut builder = RequestLaunchTemplateData::builder()
        .set_image_id(text("ImageId"))
        .set_instance_type(text("InstanceType").map(|t| InstanceType::from(t.as_str())))
        .set_security_group_ids(Some(strings_of(data.get("SecurityGroupIds"))))
        .set_user_data(text("UserData"))
        .set_key_name(text("KeyName"));
    if let Some(arn) = data
        .get("IamInstanceProfile")
        .and_then(|p| p.get("Arn"))
        .and_then(Json::as_str)
    {
        builder = builder.iam_instance_profile(
            LaunchTemplateIamInstanceProfileSpecificationRequest::builder()
                .arn(arn)
                .build(),
        );
    }
    if let Some(options) = data.get("MetadataOptions") {
        let option = |name: &str| options.get(name).and_then(Json::as_str);
        builder = builder.metadata_options(
            LaunchTemplateInstanceMetadataOptionsRequest::builder()
                .set_http_tokens(option("HttpTokens").map(LaunchTemplateHttpTokensState::from))
                .set_http_endpoint(
                    option("HttpEndpoint").map(LaunchTemplateInstanceMetadataEndpointState::from),
                )
                .set_http_put_response_hop_limit(opt_i32(options.get("HttpPutResponseHopLimit")))
                .build(),
        );
    }
    for spec in data
        .get("TagSpecifications")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
    {
        let pairs = spec
            .get("Tags")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .filter_map(|t| {
                Some((
                    t.get("Key")?.as_str()?.to_owned(),
                    t.get("Value")?.as_str()?.to_owned(),
                ))
            });
        builder = builder.tag_specifications(
            LaunchTemplateTagSpecificationRequest::builder()
                .set_resource_type(
                    spec.get("ResourceType")
                        .and_then(Json::as_str)
                        .map(ResourceType::from),
                )
                .set_tags(Some(ec2_tags(pairs)))
                .build(),
        );
    }
    builder.build()
}

fn is_propagating(error: &ProviderError) -> bool {
    error.message.contains("IamInstanceProfile") || error.message.contains("instance profile")
}

async fn template_created(client: &Client, id: &str) -> Result<Created, ProviderError> {
    let out = client
        .describe_launch_templates()
        .launch_template_ids(id)
        .send()
        .await
        .map_err(classify)?;
    let template = out
        .launch_templates()
        .first()
        .ok_or_else(|| ProviderError::new(ErrorKind::NotFound, id.to_owned()))?;
    let latest = template.latest_version_number().unwrap_or(1).to_string();
    let default = template.default_version_number().unwrap_or(1).to_string();
    Ok(Created {
        physical_id: id.to_owned(),
        attributes: [
            ("LatestVersionNumber", latest),
            ("DefaultVersionNumber", default),
            ("LaunchTemplateId", id.to_owned()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), Json::String(v)))
        .collect(),
    })
}

pub(crate) async fn create(
    client: &Client,
    request: CreateRequest<'_>,
) -> Result<Created, ProviderError> {
    let inputs = request.inputs;
    let ownership_tags = tags(&Inputs::new(), "Tags", request.ownership);
    match request.type_name {
        "AWS::EC2::LaunchTemplate" => {
            let name = opt_string(inputs, "LaunchTemplateName").map_or_else(
                || generated(request.ownership, request.token, 128, false),
                str::to_owned,
            );
            let data = inputs
                .get("LaunchTemplateData")
                .ok_or_else(|| invalid("LaunchTemplateData is missing"))?;
            let out = client
                .create_launch_template()
                .launch_template_name(&name)
                .client_token(request.token)
                .launch_template_data(template_data(data))
                .tag_specifications(
                    TagSpecification::builder()
                        .resource_type(ResourceType::LaunchTemplate)
                        .set_tags(Some(ec2_tags(ownership_tags)))
                        .build(),
                )
                .send()
                .await
                .map_err(classify)?;
            let id = out
                .launch_template()
                .and_then(|t| t.launch_template_id())
                .ok_or_else(|| invalid("no launch template id"))?
                .to_owned();
            template_created(client, &id).await
        }
        "AWS::EC2::Instance" => {
            let spec = inputs.get("LaunchTemplate");
            let template = spec.map(|s| {
                LaunchTemplateSpecification::builder()
                    .set_launch_template_id(
                        s.get("LaunchTemplateId")
                            .and_then(Json::as_str)
                            .map(str::to_owned),
                    )
                    .set_version(
                        s.get("Version")
                            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned)),
                    )
                    .build()
            });
            let all_tags = tags(inputs, "Tags", request.ownership);
            let mut attempt = 0;
            loop {
                attempt += 1;
                let result = client
                    .run_instances()
                    .min_count(1)
                    .max_count(1)
                    .client_token(request.token)
                    .subnet_id(string(inputs, "SubnetId")?)
                    .set_image_id(opt_string(inputs, "ImageId").map(str::to_owned))
                    .set_instance_type(opt_string(inputs, "InstanceType").map(InstanceType::from))
                    .set_security_group_ids(Some(strings_of(inputs.get("SecurityGroupIds"))))
                    .set_launch_template(template.clone())
                    .tag_specifications(
                        TagSpecification::builder()
                            .resource_type(ResourceType::Instance)
                            .set_tags(Some(ec2_tags(all_tags.clone())))
                            .build(),
                    )
                    .send()
                    .await
                    .map_err(classify);
                match result {
                    Ok(out) => {
                        let id = out
                            .instances()
                            .first()
                            .and_then(|i| i.instance_id())
                            .ok_or_else(|| invalid("no instance id"))?
                            .to_owned();
                        return Ok(Created {
                            attributes: [("InstanceId".to_owned(), Json::String(id.clone()))]
                                .into_iter()
                                .collect(),
                            physical_id: id,
                        });
                    }
                    Err(e) if is_propagating(&e) && attempt < PROPAGATION_ATTEMPTS => {
                        tokio::time::sleep(Duration::from_secs(2)).await;
                    }
                    Err(e) => return Err(e),
                }
            }
        }
        other => Err(invalid(format!("ec2 compute does not handle {other}"))),
    }
}

pub(crate) async fn update(
    client: &Client,
    type_name: &str,
    physical_id: &str,
    inputs: &Inputs,
) -> Result<Attributes, ProviderError> {
    if type_name == "AWS::EC2::LaunchTemplate" {
        // A new version, made the default, so groups following the latest version pick it up.
        let data = inputs
            .get("LaunchTemplateData")
            .ok_or_else(|| invalid("LaunchTemplateData is missing"))?;
        let out = client
            .create_launch_template_version()
            .launch_template_id(physical_id)
            .launch_template_data(template_data(data))
            .send()
            .await
            .map_err(classify)?;
        if let Some(version) = out
            .launch_template_version()
            .and_then(aws_sdk_ec2::types::LaunchTemplateVersion::version_number)
        {
            client
                .modify_launch_template()
                .launch_template_id(physical_id)
                .default_version(version.to_string())
                .send()
                .await
                .map_err(classify)?;
        }
        return Ok(template_created(client, physical_id).await?.attributes);
    }
    Ok(Attributes::new())
}

pub(crate) async fn delete(
    client: &Client,
    type_name: &str,
    physical_id: &str,
) -> Result<(), ProviderError> {
    match type_name {
        "AWS::EC2::LaunchTemplate" => client
            .delete_launch_template()
            .launch_template_id(physical_id)
            .send()
            .await
            .map(|_| ())
            .map_err(classify),
        _ => client
            .terminate_instances()
            .instance_ids(physical_id)
            .send()
            .await
            .map(|_| ())
            .map_err(classify),
    }
}

pub(crate) async fn read(
    client: &Client,
    type_name: &str,
    physical_id: &str,
) -> Result<Option<Attributes>, ProviderError> {
    let result = if type_name == "AWS::EC2::LaunchTemplate" {
        template_created(client, physical_id)
            .await
            .map(|c| Some(c.attributes))
    } else {
        client
            .describe_instances()
            .instance_ids(physical_id)
            .send()
            .await
            .map_err(classify)
            .map(|out| {
                let live = out
                    .reservations()
                    .iter()
                    .flat_map(aws_sdk_ec2::types::Reservation::instances)
                    .any(|i| {
                        !matches!(
                            i.state()
                                .and_then(|s| s.name())
                                .map(aws_sdk_ec2::types::InstanceStateName::as_str),
                            Some("terminated" | "shutting-down")
                        )
                    });
                live.then(Attributes::new)
            })
    };
    match result {
        Err(e) if e.kind == ErrorKind::NotFound => Ok(None),
        other => other,
    }
}

pub(crate) async fn find(
    client: &Client,
    type_name: &str,
    token: &str,
) -> Result<Option<Created>, ProviderError> {
    let filter = Filter::builder()
        .name("tag:stratus:token")
        .values(token)
        .build();
    if type_name == "AWS::EC2::LaunchTemplate" {
        let out = client
            .describe_launch_templates()
            .filters(filter)
            .send()
            .await
            .map_err(classify)?;
        return match out
            .launch_templates()
            .first()
            .and_then(|t| t.launch_template_id())
        {
            Some(id) => Ok(Some(template_created(client, id).await?)),
            None => Ok(None),
        };
    }
    let out = client
        .describe_instances()
        .filters(filter)
        .send()
        .await
        .map_err(classify)?;
    Ok(out
        .reservations()
        .iter()
        .flat_map(aws_sdk_ec2::types::Reservation::instances)
        .find(|i| {
            !matches!(
                i.state()
                    .and_then(|s| s.name())
                    .map(aws_sdk_ec2::types::InstanceStateName::as_str),
                Some("terminated" | "shutting-down")
            )
        })
        .and_then(|i| i.instance_id())
        .map(|id| Created {
            physical_id: id.to_owned(),
            attributes: [("InstanceId".to_owned(), Json::String(id.to_owned()))]
                .into_iter()
                .collect(),
        }))
}

//! `AWS::EC2::LaunchTemplate`: unique by name (derived from the token when none is declared),
//! tagged with the stack's ownership. A change of its data makes a new version, the default.

use async_trait::async_trait;
use aws_sdk_ec2::types::{
    InstanceType, LaunchTemplate as SdkTemplate, LaunchTemplateHttpTokensState,
    LaunchTemplateIamInstanceProfileSpecificationRequest,
    LaunchTemplateInstanceMetadataEndpointState, LaunchTemplateInstanceMetadataOptionsRequest,
    LaunchTemplateTagSpecificationRequest, RequestLaunchTemplateData, ResourceType,
    ResponseLaunchTemplateData,
};
use stratus_core::deploy::{
    Attributes, CreateRequest, Created, DeleteRequest, FindRequest, Inputs, Json, Live,
    ProviderError, TypeContract, UpdateRequest,
};

use super::{absent, attributes, changes, missing, sdk_tags, tag_specs, tags_of, token_filter};
use crate::contracts;
use crate::error::{classify, invalid};
use crate::handler::{Context, Handler, read_back};
use crate::inputs::{opt_i32, opt_string, strings_of};
use crate::names::generated;
use crate::ownership;

pub(super) struct LaunchTemplate;

/// The SDK's template data from CloudFormation-shaped data.
fn request_data(data: &Json) -> RequestLaunchTemplateData {
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
        let tags = ownership::desired(
            spec.as_object().unwrap_or(&Inputs::new()),
            "Tags",
            &std::collections::BTreeMap::default(),
        );
        builder = builder.tag_specifications(
            LaunchTemplateTagSpecificationRequest::builder()
                .set_resource_type(
                    spec.get("ResourceType")
                        .and_then(Json::as_str)
                        .map(ResourceType::from),
                )
                .set_tags(Some(sdk_tags(&tags)))
                .build(),
        );
    }
    builder.build()
}

/// CloudFormation-shaped data from what AWS reports.
fn live_data(data: &ResponseLaunchTemplateData) -> Json {
    let mut map = serde_json::Map::new();
    let mut put = |key: &str, value: Option<Json>| {
        if let Some(value) = value {
            map.insert(key.to_owned(), value);
        }
    };
    put("ImageId", data.image_id().map(Json::from));
    put(
        "InstanceType",
        data.instance_type().map(|t| Json::from(t.as_str())),
    );
    put(
        "SecurityGroupIds",
        Some(Json::from(data.security_group_ids().to_vec())),
    );
    put(
        "IamInstanceProfile",
        data.iam_instance_profile()
            .and_then(|p| p.arn())
            .map(|arn| serde_json::json!({ "Arn": arn })),
    );
    put("UserData", data.user_data().map(Json::from));
    put(
        "MetadataOptions",
        data.metadata_options().map(|o| {
            let mut options = serde_json::Map::new();
            if let Some(tokens) = o.http_tokens() {
                options.insert("HttpTokens".into(), Json::from(tokens.as_str()));
            }
            if let Some(endpoint) = o.http_endpoint() {
                options.insert("HttpEndpoint".into(), Json::from(endpoint.as_str()));
            }
            if let Some(hops) = o.http_put_response_hop_limit() {
                options.insert("HttpPutResponseHopLimit".into(), Json::from(hops));
            }
            Json::Object(options)
        }),
    );
    // Tags of the template itself are not launch data (an emulator lists them here).
    let specs: Vec<Json> = data
        .tag_specifications()
        .iter()
        .filter(|s| s.resource_type() != Some(&ResourceType::LaunchTemplate))
        .map(|s| {
            serde_json::json!({
                "ResourceType": s.resource_type().map(|r| r.as_str().to_owned()),
                "Tags": ownership::as_property(&tags_of(s.tags())),
            })
        })
        .collect();
    put(
        "TagSpecifications",
        (!specs.is_empty()).then_some(Json::Array(specs)),
    );
    put("KeyName", data.key_name().map(Json::from));
    Json::Object(map)
}

async fn by_name(cx: &Context, name: &str) -> Result<Option<SdkTemplate>, ProviderError> {
    let out = cx
        .ec2
        .describe_launch_templates()
        .launch_template_names(name)
        .send()
        .await;
    Ok(absent(out.map_err(classify))?.and_then(|o| o.launch_templates().first().cloned()))
}

#[async_trait]
impl Handler for LaunchTemplate {
    fn contract(&self) -> &'static TypeContract {
        &contracts::ec2::LAUNCH_TEMPLATE
    }

    async fn create(
        &self,
        cx: &Context,
        request: CreateRequest<'_>,
    ) -> Result<Created, ProviderError> {
        if let Some(id) = request.resume {
            return read_back(self, cx, id).await;
        }
        let inputs = request.inputs;
        let name = opt_string(inputs, "LaunchTemplateName").map_or_else(
            || generated(request.ownership, request.token, 128, false),
            str::to_owned,
        );
        if let Some(existing) = by_name(cx, &name).await? {
            let tags = tags_of(existing.tags());
            let id = existing.launch_template_id().unwrap_or_default();
            if !ownership::made_by(&tags, request.token) {
                return Err(ownership::refuse(&request, id, &tags));
            }
            return read_back(self, cx, id).await;
        }
        let data = inputs
            .get("LaunchTemplateData")
            .ok_or_else(|| invalid("LaunchTemplateData is missing"))?;
        let id = cx
            .ec2
            .create_launch_template()
            .launch_template_name(&name)
            .client_token(request.token)
            .launch_template_data(request_data(data))
            .set_tag_specifications(tag_specs(
                ResourceType::LaunchTemplate,
                &ownership::desired(&Inputs::new(), "Tags", request.ownership),
            ))
            .send()
            .await
            .map_err(classify)?
            .launch_template()
            .and_then(|t| t.launch_template_id())
            .ok_or_else(|| missing("launch template id"))?
            .to_owned();
        read_back(self, cx, &id).await
    }

    async fn read(&self, cx: &Context, physical_id: &str) -> Result<Option<Live>, ProviderError> {
        let out = cx
            .ec2
            .describe_launch_templates()
            .launch_template_ids(physical_id)
            .send()
            .await;
        let Some(template) =
            absent(out.map_err(classify))?.and_then(|o| o.launch_templates().first().cloned())
        else {
            return Ok(None);
        };
        let versions = cx
            .ec2
            .describe_launch_template_versions()
            .launch_template_id(physical_id)
            .versions("$Default")
            .send()
            .await
            .map_err(classify)?;
        let mut properties = Inputs::new();
        properties.insert(
            "LaunchTemplateName".into(),
            Json::from(template.launch_template_name().unwrap_or_default()),
        );
        if let Some(data) = versions
            .launch_template_versions()
            .first()
            .and_then(|v| v.launch_template_data())
        {
            properties.insert("LaunchTemplateData".into(), live_data(data));
        }
        let latest = template.latest_version_number().unwrap_or(1).to_string();
        let default = template.default_version_number().unwrap_or(1).to_string();
        Ok(Some(Live {
            properties,
            attributes: attributes(&[
                ("LaunchTemplateId", physical_id),
                ("LatestVersionNumber", &latest),
                ("DefaultVersionNumber", &default),
            ]),
        }))
    }

    async fn update(
        &self,
        cx: &Context,
        request: UpdateRequest<'_>,
    ) -> Result<Attributes, ProviderError> {
        if changes(&request, "LaunchTemplateData") {
            // A new version, made the default, so groups following the latest pick it up.
            let data = request
                .inputs
                .get("LaunchTemplateData")
                .ok_or_else(|| invalid("LaunchTemplateData is missing"))?;
            let version = cx
                .ec2
                .create_launch_template_version()
                .launch_template_id(request.physical_id)
                .launch_template_data(request_data(data))
                .send()
                .await
                .map_err(classify)?
                .launch_template_version()
                .and_then(aws_sdk_ec2::types::LaunchTemplateVersion::version_number)
                .ok_or_else(|| missing("version number"))?;
            cx.ec2
                .modify_launch_template()
                .launch_template_id(request.physical_id)
                .default_version(version.to_string())
                .send()
                .await
                .map_err(classify)?;
        }
        Ok(read_back(self, cx, request.physical_id).await?.attributes)
    }

    async fn delete(&self, cx: &Context, request: DeleteRequest<'_>) -> Result<(), ProviderError> {
        let result = cx
            .ec2
            .delete_launch_template()
            .launch_template_id(request.physical_id)
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
        let out = cx
            .ec2
            .describe_launch_templates()
            .filters(token_filter(request.token))
            .send()
            .await
            .map_err(classify)?;
        match out
            .launch_templates()
            .first()
            .and_then(|t| t.launch_template_id())
        {
            Some(id) => read_back(self, cx, id).await.map(Some),
            None => Ok(None),
        }
    }
}

//! Auto Scaling: groups and target-tracking policies.

use stratus_core::deploy::{Compare, Identity, Inputs, Json, PropertySpec, TypeContract};

static AUTO_SCALING_GROUP_PROPERTIES: [PropertySpec; 10] = [
    PropertySpec::create_only("AutoScalingGroupName"),
    PropertySpec::updatable("MinSize"),
    PropertySpec::updatable("MaxSize"),
    PropertySpec::updatable("DesiredCapacity").compared(Compare::Ignore),
    PropertySpec::updatable("VPCZoneIdentifier").compared(Compare::Unordered),
    PropertySpec::updatable("LaunchTemplate"),
    PropertySpec::updatable("TargetGroupARNs")
        .compared(Compare::Unordered)
        .resets_to("[]"),
    PropertySpec::updatable("HealthCheckType").resets_to(r#""EC2""#),
    PropertySpec::updatable("HealthCheckGracePeriod"),
    PropertySpec::updatable("Tags")
        .compared(Compare::Tags)
        .resets_to("[]"),
];

/// `AWS::AutoScaling::AutoScalingGroup`.
pub(crate) static AUTO_SCALING_GROUP: TypeContract = TypeContract::new(
    "AWS::AutoScaling::AutoScalingGroup",
    Identity::Named("AutoScalingGroupName"),
    &AUTO_SCALING_GROUP_PROPERTIES,
);

static SCALING_POLICY_PROPERTIES: [PropertySpec; 3] = [
    PropertySpec::create_only("AutoScalingGroupName"),
    PropertySpec::create_only("PolicyType"),
    PropertySpec::updatable("TargetTrackingConfiguration").with_fields(&[
        "TargetValue",
        "PredefinedMetricSpecification.PredefinedMetricType",
    ]),
];

fn target_tracking_only(inputs: &Inputs) -> Result<(), String> {
    match inputs.get("PolicyType").and_then(Json::as_str) {
        Some("TargetTrackingScaling") | None => Ok(()),
        Some(other) => Err(format!(
            "PolicyType {other}: stratus-aws applies TargetTrackingScaling policies only"
        )),
    }
}

/// `AWS::AutoScaling::ScalingPolicy`.
pub(crate) static SCALING_POLICY: TypeContract = TypeContract::new(
    "AWS::AutoScaling::ScalingPolicy",
    Identity::Child {
        parent: "AutoScalingGroupName",
        key: &[],
    },
    &SCALING_POLICY_PROPERTIES,
)
.with_validation(target_tracking_only);

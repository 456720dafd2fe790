// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IClaimTopicsRegistry} from "../interfaces/erc3643/IClaimTopicsRegistry.sol";
import {KeelAccessManaged} from "../system/access/KeelAccessManaged.sol";
import {KeelSystemRoles} from "../system/access/KeelSystemRoles.sol";

/// @title ClaimTopicsRegistry — the claim topics every holder of an asset must hold.
/// @notice Bounded (the verification path loops over it). Managed by the claim policy
/// manager of the system or of the asset.
contract ClaimTopicsRegistry is KeelAccessManaged, IClaimTopicsRegistry {
    uint256 public constant MAX_TOPICS = 15;

    error TopicAlreadyRequired(uint256 topic);
    error TopicNotRequired(uint256 topic);
    error TooManyTopics();

    uint256[] private _topics;

    function initialize(address accessManager_, address assetAccess_) external initializer {
        __KeelAccessManaged_init(accessManager_, assetAccess_);
    }

    function addClaimTopic(uint256 claimTopic) external onlyRole(KeelSystemRoles.CLAIM_POLICY_MANAGER_ROLE) {
        uint256 n = _topics.length;
        if (n >= MAX_TOPICS) revert TooManyTopics();
        for (uint256 i = 0; i < n; ++i) {
            if (_topics[i] == claimTopic) revert TopicAlreadyRequired(claimTopic);
        }
        _topics.push(claimTopic);
        emit ClaimTopicAdded(claimTopic);
    }

    function removeClaimTopic(uint256 claimTopic) external onlyRole(KeelSystemRoles.CLAIM_POLICY_MANAGER_ROLE) {
        uint256 n = _topics.length;
        for (uint256 i = 0; i < n; ++i) {
            if (_topics[i] == claimTopic) {
                _topics[i] = _topics[n - 1];
                _topics.pop();
                emit ClaimTopicRemoved(claimTopic);
                return;
            }
        }
        revert TopicNotRequired(claimTopic);
    }

    function getClaimTopics() external view returns (uint256[] memory) {
        return _topics;
    }
}

// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IClaimIssuer} from "../interfaces/onchainid/IClaimIssuer.sol";
import {ITrustedIssuersRegistry} from "../interfaces/erc3643/ITrustedIssuersRegistry.sol";
import {ITieredTrustedIssuersRegistry} from "./interfaces/IKeelIdentityRegistry.sol";
import {KeelAccessManaged} from "../system/access/KeelAccessManaged.sol";
import {KeelSystemRoles} from "../system/access/KeelSystemRoles.sol";
import {ActivityMarker} from "../system/ActivityMarker.sol";

/// @title TrustedIssuersRegistry — claim issuers and the topics each may attest, in tiers.
/// @notice Keel's three-tier trust lookup: an asset's registry has the system's registry as
/// parent, which has the global (cross-system) registry as parent. Every query answers
/// for this tier and its ancestors: issuers trusted for a topic are this tier's first,
/// then the parent's (deduplicated), so an asset adds trust on top of what the system
/// and the global tier already trust. Each tier is managed by its own claim policy
/// manager (asset tier: also the asset's role holders).
/// A tier that has never had an issuer nor a parent answers "nothing" for itself and
/// above; it has no `ActivityMarker`, and a child tier skips the call to such a parent
/// (equivalent, and it saves a cold call through a proxy on every `isVerified`). A tier
/// deploys its marker with its first issuer or its first parent.
contract TrustedIssuersRegistry is KeelAccessManaged, ITrustedIssuersRegistry, ITieredTrustedIssuersRegistry {
    uint256 public constant MAX_ISSUERS = 50;
    uint256 public constant MAX_TOPICS_PER_ISSUER = 15;
    /// @dev Bounds the parent chain (asset -> system -> global).
    uint256 public constant MAX_TIERS = 3;

    error IssuerAlreadyTrusted(address issuer);
    error IssuerNotTrusted(address issuer);
    error NoClaimTopics();
    error TooManyIssuers();
    error TooManyTopics();
    error ZeroAddress();
    error TooManyTiers();

    event ParentRegistrySet(address indexed parent);

    IClaimIssuer[] private _issuers;
    mapping(address issuer => uint256[]) private _topicsOf;
    mapping(uint256 topic => IClaimIssuer[]) private _issuersByTopic;
    ITrustedIssuersRegistry private _parent;

    /// @param parent_ the next tier (0: this is the top tier).
    function initialize(address accessManager_, address assetAccess_, address parent_) external initializer {
        __KeelAccessManaged_init(accessManager_, assetAccess_);
        _setParent(parent_);
    }

    function setParentRegistry(address parent_) external onlyRole(KeelSystemRoles.ADMIN_ROLE) {
        _setParent(parent_);
    }

    function addTrustedIssuer(IClaimIssuer issuer, uint256[] calldata claimTopics)
        external
        onlyRole(KeelSystemRoles.CLAIM_POLICY_MANAGER_ROLE)
    {
        if (address(issuer) == address(0)) revert ZeroAddress();
        if (_topicsOf[address(issuer)].length != 0) revert IssuerAlreadyTrusted(address(issuer));
        if (_issuers.length >= MAX_ISSUERS) revert TooManyIssuers();
        ActivityMarker.activate();
        _issuers.push(issuer);
        _setTopics(issuer, claimTopics);
        emit TrustedIssuerAdded(issuer, claimTopics);
    }

    function removeTrustedIssuer(IClaimIssuer issuer) external onlyRole(KeelSystemRoles.CLAIM_POLICY_MANAGER_ROLE) {
        if (_topicsOf[address(issuer)].length == 0) revert IssuerNotTrusted(address(issuer));
        _clearTopics(issuer);
        _removeFrom(_issuers, issuer);
        emit TrustedIssuerRemoved(issuer);
    }

    function updateIssuerClaimTopics(IClaimIssuer issuer, uint256[] calldata claimTopics)
        external
        onlyRole(KeelSystemRoles.CLAIM_POLICY_MANAGER_ROLE)
    {
        if (_topicsOf[address(issuer)].length == 0) revert IssuerNotTrusted(address(issuer));
        _clearTopics(issuer);
        _setTopics(issuer, claimTopics);
        emit ClaimTopicsUpdated(issuer, claimTopics);
    }

    // ---------------------------------------------------------------- tiered views

    function parentRegistry() external view returns (address) {
        return address(_parent);
    }

    /// @notice Deploys this tier's activity marker if it has issuers or a parent but no
    /// marker (e.g. configured by an implementation that predates it). Anyone may call it.
    function syncActivityMarker() external {
        if (_issuers.length != 0 || address(_parent) != address(0)) ActivityMarker.activate();
    }

    /// @notice Whether child tiers consult this tier (it has had an issuer or a parent).
    function isActive() external view returns (bool) {
        return ActivityMarker.isActive(address(this));
    }

    function getTrustedIssuers() external view returns (IClaimIssuer[] memory) {
        ITrustedIssuersRegistry parent = _consultedParent();
        if (address(parent) == address(0)) return _issuers;
        return _merge(_issuers, parent.getTrustedIssuers());
    }

    function getTrustedIssuersForClaimTopic(uint256 claimTopic) external view returns (IClaimIssuer[] memory) {
        ITrustedIssuersRegistry parent = _consultedParent();
        if (address(parent) == address(0)) return _issuersByTopic[claimTopic];
        return _merge(_issuersByTopic[claimTopic], parent.getTrustedIssuersForClaimTopic(claimTopic));
    }

    function isTrustedIssuer(address issuer) external view returns (bool) {
        if (_topicsOf[issuer].length != 0) return true;
        ITrustedIssuersRegistry parent = _consultedParent();
        return address(parent) != address(0) && parent.isTrustedIssuer(issuer);
    }

    /// @notice The topics `issuer` may attest at this tier and above (deduplicated).
    function getTrustedIssuerClaimTopics(IClaimIssuer issuer) external view returns (uint256[] memory topics) {
        uint256[] storage local = _topicsOf[address(issuer)];
        ITrustedIssuersRegistry parent = _consultedParent();
        if (address(parent) == address(0) || !parent.isTrustedIssuer(address(issuer))) {
            if (local.length == 0) revert IssuerNotTrusted(address(issuer));
            return local;
        }
        uint256[] memory up = parent.getTrustedIssuerClaimTopics(issuer);
        topics = new uint256[](local.length + up.length);
        uint256 n = 0;
        for (uint256 i = 0; i < local.length; ++i) {
            topics[n++] = local[i];
        }
        for (uint256 i = 0; i < up.length; ++i) {
            bool seen = false;
            for (uint256 j = 0; j < local.length; ++j) {
                if (local[j] == up[i]) seen = true;
            }
            if (!seen) topics[n++] = up[i];
        }
        assembly {
            mstore(topics, n)
        }
    }

    function hasClaimTopic(address issuer, uint256 claimTopic) public view returns (bool) {
        uint256[] storage local = _topicsOf[issuer];
        for (uint256 i = 0; i < local.length; ++i) {
            if (local[i] == claimTopic) return true;
        }
        ITrustedIssuersRegistry parent = _consultedParent();
        return address(parent) != address(0) && parent.hasClaimTopic(issuer, claimTopic);
    }

    // ---------------------------------------------------------------- internals

    /// @dev The parent tier, or address(0) when there is none or it has never had an issuer
    /// nor a parent of its own (no marker: its every answer is empty).
    function _consultedParent() private view returns (ITrustedIssuersRegistry parent) {
        parent = _parent;
        if (address(parent) != address(0) && !ActivityMarker.isActive(address(parent))) {
            parent = ITrustedIssuersRegistry(address(0));
        }
    }

    function _setParent(address parent_) private {
        // Walk up: the chain must stay short and acyclic.
        address p = parent_;
        for (uint256 depth = 0; p != address(0); ++depth) {
            if (depth + 1 >= MAX_TIERS || p == address(this)) revert TooManyTiers();
            p = ITieredTrustedIssuersRegistry(p).parentRegistry();
        }
        if (parent_ != address(0)) ActivityMarker.activate();
        _parent = ITrustedIssuersRegistry(parent_);
        emit ParentRegistrySet(parent_);
    }

    function _setTopics(IClaimIssuer issuer, uint256[] calldata topics) private {
        if (topics.length == 0) revert NoClaimTopics();
        if (topics.length > MAX_TOPICS_PER_ISSUER) revert TooManyTopics();
        uint256[] storage stored = _topicsOf[address(issuer)];
        for (uint256 i = 0; i < topics.length; ++i) {
            bool dup = false;
            for (uint256 j = 0; j < stored.length; ++j) {
                if (stored[j] == topics[i]) dup = true;
            }
            if (dup) continue;
            stored.push(topics[i]);
            _issuersByTopic[topics[i]].push(issuer);
        }
    }

    function _clearTopics(IClaimIssuer issuer) private {
        uint256[] storage stored = _topicsOf[address(issuer)];
        for (uint256 i = 0; i < stored.length; ++i) {
            _removeFrom(_issuersByTopic[stored[i]], issuer);
        }
        delete _topicsOf[address(issuer)];
    }

    function _removeFrom(IClaimIssuer[] storage list, IClaimIssuer issuer) private {
        uint256 n = list.length;
        for (uint256 i = 0; i < n; ++i) {
            if (list[i] == issuer) {
                list[i] = list[n - 1];
                list.pop();
                return;
            }
        }
    }

    function _merge(IClaimIssuer[] storage local, IClaimIssuer[] memory up)
        private
        view
        returns (IClaimIssuer[] memory out)
    {
        uint256 nl = local.length;
        out = new IClaimIssuer[](nl + up.length);
        for (uint256 i = 0; i < nl; ++i) {
            out[i] = local[i];
        }
        uint256 n = nl;
        for (uint256 i = 0; i < up.length; ++i) {
            bool seen = false;
            for (uint256 j = 0; j < nl; ++j) {
                if (out[j] == up[i]) {
                    seen = true;
                    break;
                }
            }
            if (!seen) out[n++] = up[i];
        }
        assembly {
            mstore(out, n)
        }
    }
}

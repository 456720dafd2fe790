// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IIdentity} from "../interfaces/onchainid/IIdentity.sol";
import {IClaimIssuer} from "../interfaces/onchainid/IClaimIssuer.sol";
import {IClaimTopicsRegistry} from "../interfaces/erc3643/IClaimTopicsRegistry.sol";
import {ITrustedIssuersRegistry} from "../interfaces/erc3643/ITrustedIssuersRegistry.sol";
import {IIdentityRegistryStorage} from "../interfaces/erc3643/IIdentityRegistryStorage.sol";
import {IKeelIdentityRegistry} from "./interfaces/IKeelIdentityRegistry.sol";
import {IdentityRegistryStorage} from "./IdentityRegistryStorage.sol";
import {IdentityClaimExpressionModule} from "../compliance/modules/IdentityClaimExpressionModule.sol";
import {KeelAccessManaged} from "../system/access/KeelAccessManaged.sol";
import {KeelSystemRoles} from "../system/access/KeelSystemRoles.sol";

/// @title IdentityRegistry — one per asset: who may hold it.
/// @notice `isVerified(wallet)` holds when the wallet is stored (shared storage), not lost,
/// and its identity holds every required topic of the claim topics registry — and, when
/// set, satisfies the verification expression (AND/OR/NOT over topics, in the same
/// postfix encoding as the compliance `IdentityClaimExpressionModule`). A topic is held
/// when, for some issuer the (tiered) trusted issuers registry trusts for that topic, the
/// identity stores that issuer's claim for the topic (claim id = keccak256(issuer, topic),
/// and the stored claim names that issuer and topic) and the issuer reports it valid
/// (signature bound to chain, identity and topic; not revoked; not expired).
/// Identity writes go to the storage every asset shares, so they need the system's
/// IDENTITY_MANAGER_ROLE; the asset's own role holders may only tune this asset's
/// verification (expression, wiring).
contract IdentityRegistry is KeelAccessManaged, IKeelIdentityRegistry {
    error LengthMismatch();
    error WalletNotRegistered(address wallet);
    error ZeroAddress();
    error InvalidExpression();

    event VerificationExpressionSet(IdentityClaimExpressionModule.Node[] expression);

    IdentityRegistryStorage private _storage;
    IClaimTopicsRegistry private _topics;
    ITrustedIssuersRegistry private _issuers;
    IdentityClaimExpressionModule.Node[] private _expression;

    function initialize(
        address accessManager_,
        address assetAccess_,
        address identityStorage_,
        address topicsRegistry_,
        address issuersRegistry_
    ) external initializer {
        __KeelAccessManaged_init(accessManager_, assetAccess_);
        _setStorage(identityStorage_);
        _setTopics(topicsRegistry_);
        _setIssuers(issuersRegistry_);
    }

    // ---------------------------------------------------------------- identities

    function registerIdentity(address wallet, IIdentity identity_, uint16 country)
        public
        onlySystemRole(KeelSystemRoles.IDENTITY_MANAGER_ROLE)
    {
        _storage.addIdentityToStorage(wallet, identity_, country);
        emit IdentityRegistered(wallet, identity_);
    }

    function batchRegisterIdentity(
        address[] calldata wallets,
        IIdentity[] calldata identities,
        uint16[] calldata countries
    ) external {
        if (wallets.length != identities.length || wallets.length != countries.length) revert LengthMismatch();
        for (uint256 i = 0; i < wallets.length; ++i) {
            registerIdentity(wallets[i], identities[i], countries[i]);
        }
    }

    function deleteIdentity(address wallet) external onlySystemRole(KeelSystemRoles.IDENTITY_MANAGER_ROLE) {
        IIdentity id = _storage.storedIdentity(wallet);
        _storage.removeIdentityFromStorage(wallet);
        emit IdentityRemoved(wallet, id);
    }

    function updateCountry(address wallet, uint16 country) external onlySystemRole(KeelSystemRoles.IDENTITY_MANAGER_ROLE) {
        _storage.modifyStoredInvestorCountry(wallet, country);
        emit CountryUpdated(wallet, country);
    }

    function updateIdentity(address wallet, IIdentity identity_)
        external
        onlySystemRole(KeelSystemRoles.IDENTITY_MANAGER_ROLE)
    {
        IIdentity old = _storage.storedIdentity(wallet);
        _storage.modifyStoredIdentity(wallet, identity_);
        emit IdentityUpdated(old, identity_);
    }

    function markWalletLost(address wallet) public onlySystemRole(KeelSystemRoles.IDENTITY_MANAGER_ROLE) {
        _storage.markWalletLost(wallet);
    }

    function recoverIdentity(address lostWallet, address newWallet)
        external
        onlySystemRole(KeelSystemRoles.IDENTITY_MANAGER_ROLE)
    {
        (IIdentity id, uint16 country,) = _storage.storedEntry(lostWallet);
        if (address(id) == address(0)) revert WalletNotRegistered(lostWallet);
        _storage.addIdentityToStorage(newWallet, id, country);
        emit IdentityRegistered(newWallet, id);
        _storage.markWalletLost(lostWallet);
        emit WalletRecovered(lostWallet, newWallet, address(id));
    }

    // ---------------------------------------------------------------- configuration

    function setIdentityRegistryStorage(address identityStorage_) external onlyRole(KeelSystemRoles.ADMIN_ROLE) {
        _setStorage(identityStorage_);
    }

    function setClaimTopicsRegistry(address topicsRegistry_) external onlyRole(KeelSystemRoles.ADMIN_ROLE) {
        _setTopics(topicsRegistry_);
    }

    function setTrustedIssuersRegistry(address issuersRegistry_) external onlyRole(KeelSystemRoles.ADMIN_ROLE) {
        _setIssuers(issuersRegistry_);
    }

    /// @notice Sets (or, with an empty list, clears) the verification expression.
    function setVerificationExpression(IdentityClaimExpressionModule.Node[] calldata expr)
        external
        onlyRole(KeelSystemRoles.CLAIM_POLICY_MANAGER_ROLE)
    {
        if (expr.length != 0 && !ClaimExpressions.isWellFormed(expr)) revert InvalidExpression();
        delete _expression;
        for (uint256 i = 0; i < expr.length; ++i) {
            _expression.push(expr[i]);
        }
        emit VerificationExpressionSet(expr);
    }

    // ---------------------------------------------------------------- views

    function isVerified(address wallet) external view returns (bool) {
        (IIdentity id,, bool lost) = _storage.storedEntry(wallet);
        if (address(id) == address(0) || lost) return false;
        uint256[] memory required = _topics.getClaimTopics();
        ITrustedIssuersRegistry issuers = _issuers;
        for (uint256 i = 0; i < required.length; ++i) {
            if (!hasValidClaim(issuers, id, required[i])) return false;
        }
        IdentityClaimExpressionModule.Node[] storage expr = _expression;
        if (expr.length == 0) return true;
        return _evaluate(expr, issuers, id);
    }

    /// @notice Whether `id` holds a valid claim for `topic` from an issuer `issuers` trusts for it.
    function hasValidClaim(ITrustedIssuersRegistry issuers, IIdentity id, uint256 topic) public view returns (bool) {
        IClaimIssuer[] memory trusted = issuers.getTrustedIssuersForClaimTopic(topic);
        for (uint256 i = 0; i < trusted.length; ++i) {
            address issuer = address(trusted[i]);
            try id.getClaim(keccak256(abi.encode(issuer, topic))) returns (
                uint256 claimTopic, uint256, address claimIssuer, bytes memory sig, bytes memory data, string memory
            ) {
                if (claimTopic != topic || claimIssuer != issuer) continue;
                try trusted[i].isClaimValid(id, topic, sig, data) returns (bool valid) {
                    if (valid) return true;
                } catch {}
            } catch {}
        }
        return false;
    }

    function verificationExpression() external view returns (IdentityClaimExpressionModule.Node[] memory) {
        return _expression;
    }

    function contains(address wallet) external view returns (bool) {
        return address(_storage.storedIdentity(wallet)) != address(0);
    }

    function identity(address wallet) external view returns (IIdentity) {
        return _storage.storedIdentity(wallet);
    }

    function investorCountry(address wallet) external view returns (uint16) {
        return _storage.storedInvestorCountry(wallet);
    }

    function isWalletLost(address wallet) external view returns (bool) {
        return _storage.isWalletLost(wallet);
    }

    function identityStorage() external view returns (IIdentityRegistryStorage) {
        return _storage;
    }

    function issuersRegistry() external view returns (ITrustedIssuersRegistry) {
        return _issuers;
    }

    function topicsRegistry() external view returns (IClaimTopicsRegistry) {
        return _topics;
    }

    // ---------------------------------------------------------------- internals

    function _evaluate(
        IdentityClaimExpressionModule.Node[] storage expr,
        ITrustedIssuersRegistry issuers,
        IIdentity id
    ) private view returns (bool) {
        bool[] memory stack = new bool[](expr.length);
        uint256 sp = 0;
        for (uint256 i = 0; i < expr.length; ++i) {
            IdentityClaimExpressionModule.Node storage node = expr[i];
            IdentityClaimExpressionModule.NodeKind k = node.kind;
            if (k == IdentityClaimExpressionModule.NodeKind.TOPIC) {
                stack[sp++] = hasValidClaim(issuers, id, node.topic);
            } else if (k == IdentityClaimExpressionModule.NodeKind.NOT) {
                stack[sp - 1] = !stack[sp - 1];
            } else if (k == IdentityClaimExpressionModule.NodeKind.AND) {
                --sp;
                stack[sp - 1] = stack[sp - 1] && stack[sp];
            } else {
                --sp;
                stack[sp - 1] = stack[sp - 1] || stack[sp];
            }
        }
        return stack[0];
    }

    function _setStorage(address s) private {
        if (s == address(0)) revert ZeroAddress();
        _storage = IdentityRegistryStorage(s);
        emit IdentityStorageSet(s);
    }

    function _setTopics(address t) private {
        if (t == address(0)) revert ZeroAddress();
        _topics = IClaimTopicsRegistry(t);
        emit ClaimTopicsRegistrySet(t);
    }

    function _setIssuers(address i) private {
        if (i == address(0)) revert ZeroAddress();
        _issuers = ITrustedIssuersRegistry(i);
        emit TrustedIssuersRegistrySet(i);
    }
}

/// @title Shape check for postfix claim expressions (same rules as the compliance module).
library ClaimExpressions {
    uint256 internal constant MAX_NODES = 32;

    function isWellFormed(IdentityClaimExpressionModule.Node[] calldata expr) internal pure returns (bool) {
        if (expr.length == 0 || expr.length > MAX_NODES) return false;
        uint256 depth = 0;
        for (uint256 i = 0; i < expr.length; ++i) {
            IdentityClaimExpressionModule.NodeKind k = expr[i].kind;
            if (k == IdentityClaimExpressionModule.NodeKind.TOPIC) {
                ++depth;
            } else if (k == IdentityClaimExpressionModule.NodeKind.NOT) {
                if (depth < 1) return false;
            } else {
                if (depth < 2) return false;
                --depth;
            }
        }
        return depth == 1;
    }
}

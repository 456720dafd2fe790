// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

/// @title Base of Keel's system and identity contracts: roles come from the system's
/// access manager, optionally also from one asset (for per-asset registries, whose
/// asset's own role holders may manage them).
/// @dev State lives in an ERC-7201 namespace so derived contracts keep their layout
/// across upgrades. UUPS: an upgrade is authorized by the access manager's admin.
abstract contract KeelAccessManaged is Initializable, UUPSUpgradeable {
    /// @custom:storage-location erc7201:keel.storage.AccessManaged
    struct AccessManagedStorage {
        IAccessControl accessManager;
        IAccessControl assetAccess;
    }

    // keccak256(abi.encode(uint256(keccak256("keel.storage.AccessManaged")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant STORAGE_SLOT = 0x7f784515a7bf3357bc71435b95c31c98b65d0ec8e9a4d347c6b4b2c55579b700;

    error AccessManagerZero();
    error MissingRole(address account, bytes32 role);

    event AccessManagerSet(address indexed accessManager, address indexed assetAccess);

    constructor() {
        _disableInitializers();
    }

    function _ams() private pure returns (AccessManagedStorage storage $) {
        bytes32 slot = STORAGE_SLOT;
        assembly {
            $.slot := slot
        }
    }

    // solhint-disable-next-line func-name-mixedcase
    function __KeelAccessManaged_init(address accessManager_, address assetAccess_) internal onlyInitializing {
        if (accessManager_ == address(0)) revert AccessManagerZero();
        AccessManagedStorage storage $ = _ams();
        $.accessManager = IAccessControl(accessManager_);
        $.assetAccess = IAccessControl(assetAccess_);
        emit AccessManagerSet(accessManager_, assetAccess_);
    }

    modifier onlyRole(bytes32 role) {
        _checkRole(role, msg.sender);
        _;
    }

    /// @dev For actions whose effect reaches beyond one asset (e.g. writes to storage
    /// shared by every asset): the asset's own role holders do not qualify.
    modifier onlySystemRole(bytes32 role) {
        if (!_ams().accessManager.hasRole(role, msg.sender)) revert MissingRole(msg.sender, role);
        _;
    }

    function accessManager() public view returns (address) {
        return address(_ams().accessManager);
    }

    /// @notice The asset whose role holders may also manage this contract (0: none).
    function assetAccess() public view returns (address) {
        return address(_ams().assetAccess);
    }

    function _hasRole(bytes32 role, address account) internal view returns (bool) {
        AccessManagedStorage storage $ = _ams();
        if ($.accessManager.hasRole(role, account)) return true;
        IAccessControl asset = $.assetAccess;
        return address(asset) != address(0) && asset.hasRole(role, account);
    }

    function _checkRole(bytes32 role, address account) internal view {
        if (!_hasRole(role, account)) revert MissingRole(account, role);
    }

    /// @dev Upgrades are a system decision: the access manager's admin only.
    function _authorizeUpgrade(address) internal view override {
        if (!_ams().accessManager.hasRole(0x00, msg.sender)) revert MissingRole(msg.sender, 0x00);
    }
}

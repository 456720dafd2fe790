// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {KeelDirectory} from "./KeelDirectory.sol";
import {KeelSystemRoles} from "./access/KeelSystemRoles.sol";
import {IComplianceModule} from "../compliance/interfaces/IComplianceModule.sol";

/// @title SystemRegistry — the address book of one Keel system: its components by name
/// (e.g. "accessManager", "identityRegistryStorage", "factoryRegistry"), every asset
/// its factories deployed, with the asset's kind, and the compliance modules the system
/// vouches for (the asset factories bind only these).
contract SystemRegistry is KeelDirectory {
    uint256 public constant MAX_COMPLIANCE_MODULES = 64;

    error AssetAlreadyRegistered(address token);
    error ComplianceModuleAlreadyRegistered(address module);
    error ComplianceModuleNotRegistered(address module);

    event AssetRegistered(address indexed token, bytes32 indexed kind, address indexed factory);
    event ComplianceModuleRegistered(address indexed module, string name);
    event ComplianceModuleRemoved(address indexed module);

    address[] private _assets;
    mapping(address token => bytes32) private _kindOf;
    address[] private _complianceModules;
    mapping(address module => bool) private _isComplianceModule;

    function initialize(address accessManager_) external initializer {
        __KeelAccessManaged_init(accessManager_, address(0));
    }

    function setComponent(bytes32 name, address component_) external onlyRole(KeelSystemRoles.SYSTEM_MANAGER_ROLE) {
        _setEntry(name, component_);
    }

    function removeComponent(bytes32 name) external onlyRole(KeelSystemRoles.SYSTEM_MANAGER_ROLE) {
        _removeEntry(name);
    }

    /// @notice Records an asset; called by the asset factories (system modules).
    function registerAsset(address token, bytes32 kind) external onlyRole(KeelSystemRoles.SYSTEM_MODULE_ROLE) {
        if (token == address(0)) revert ZeroAddress();
        if (_kindOf[token] != bytes32(0)) revert AssetAlreadyRegistered(token);
        _kindOf[token] = kind;
        _assets.push(token);
        emit AssetRegistered(token, kind, msg.sender);
    }

    /// @notice Vouches for a compliance module (one shared instance per module kind); the
    /// asset factories refuse to bind modules that are not registered here.
    function registerComplianceModule(address module) external onlyRole(KeelSystemRoles.SYSTEM_MANAGER_ROLE) {
        if (module == address(0)) revert ZeroAddress();
        if (_isComplianceModule[module]) revert ComplianceModuleAlreadyRegistered(module);
        if (_complianceModules.length >= MAX_COMPLIANCE_MODULES) revert TooManyEntries();
        string memory moduleName = IComplianceModule(module).name();
        _isComplianceModule[module] = true;
        _complianceModules.push(module);
        emit ComplianceModuleRegistered(module, moduleName);
    }

    /// @notice Stops new assets from binding `module` (assets that bound it keep it).
    function removeComplianceModule(address module) external onlyRole(KeelSystemRoles.SYSTEM_MANAGER_ROLE) {
        if (!_isComplianceModule[module]) revert ComplianceModuleNotRegistered(module);
        _isComplianceModule[module] = false;
        uint256 n = _complianceModules.length;
        for (uint256 i = 0; i < n; ++i) {
            if (_complianceModules[i] == module) {
                _complianceModules[i] = _complianceModules[n - 1];
                _complianceModules.pop();
                break;
            }
        }
        emit ComplianceModuleRemoved(module);
    }

    function isComplianceModule(address module) external view returns (bool) {
        return _isComplianceModule[module];
    }

    function complianceModules() external view returns (address[] memory) {
        return _complianceModules;
    }

    function component(bytes32 name) external view returns (address) {
        return _entry(name);
    }

    function componentNames() external view returns (bytes32[] memory) {
        return _entryNames();
    }

    function isAsset(address token) external view returns (bool) {
        return _kindOf[token] != bytes32(0);
    }

    function assetKind(address token) external view returns (bytes32) {
        return _kindOf[token];
    }

    function assetCount() external view returns (uint256) {
        return _assets.length;
    }

    /// @notice A page of assets in deployment order.
    function assets(uint256 offset, uint256 limit) external view returns (address[] memory page) {
        uint256 n = _assets.length;
        if (offset >= n) return new address[](0);
        uint256 end = offset + limit > n ? n : offset + limit;
        page = new address[](end - offset);
        for (uint256 i = offset; i < end; ++i) {
            page[i - offset] = _assets[i];
        }
    }
}

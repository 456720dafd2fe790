// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ComplianceModuleBase} from "../../src/compliance/modules/ComplianceModuleBase.sol";
import {ModuleHooks} from "../../src/compliance/interfaces/IComplianceModule.sol";

/// @notice Records hook calls per engine and can be told to reject.
contract RecordingModule is ComplianceModuleBase {
    error Rejected(uint256 tag);

    uint256 public immutable tag;
    mapping(address engine => bool) public rejecting;
    mapping(address engine => uint256) public transferredCalls;
    mapping(address engine => uint256) public createdCalls;
    mapping(address engine => uint256) public destroyedCalls;
    uint256 public lastValue;

    constructor(uint256 tag_) {
        tag = tag_;
    }

    function hooks() external pure returns (uint8) {
        return ModuleHooks.ALL;
    }

    function name() external pure returns (string memory) {
        return "Recording";
    }

    function setRejecting(bool r) external onlyEngine {
        rejecting[msg.sender] = r;
    }

    function checkTransfer(address, address, address, uint256) external view {
        if (rejecting[msg.sender]) revert Rejected(tag);
    }

    function transferred(address, address, address, uint256 value) external override onlyEngine {
        transferredCalls[msg.sender] += 1;
        lastValue = value;
    }

    function created(address, address, uint256 value) external override onlyEngine {
        createdCalls[msg.sender] += 1;
        lastValue = value;
    }

    function destroyed(address, address, uint256 value) external override onlyEngine {
        destroyedCalls[msg.sender] += 1;
        lastValue = value;
    }
}

/// @notice A module whose hook always fails: the whole transfer must revert.
contract FailingHookModule is ComplianceModuleBase {
    error HookFailed();

    function hooks() external pure returns (uint8) {
        return ModuleHooks.ALL;
    }

    function name() external pure returns (string memory) {
        return "FailingHook";
    }

    function checkTransfer(address, address, address, uint256) external view {}

    function transferred(address, address, address, uint256) external view override onlyEngine {
        revert HookFailed();
    }
}

/// @notice A hostile module that re-enters a target with arbitrary calldata from its hooks
/// (once per arming).
contract ReentrantModule is ComplianceModuleBase {
    address public target;
    bytes public payload;
    bool public reentered;
    bool public reentrySucceeded;
    bytes public reentryError;

    function hooks() external pure returns (uint8) {
        return ModuleHooks.ALL;
    }

    function name() external pure returns (string memory) {
        return "Reentrant";
    }

    function arm(address target_, bytes calldata payload_) external {
        target = target_;
        payload = payload_;
        reentered = false;
    }

    /// @dev Kept for the simple transfer case.
    function arm(address target_, address to_, uint256 amount_) external {
        target = target_;
        payload = abi.encodeWithSignature("transfer(address,uint256)", to_, amount_);
        reentered = false;
    }

    function checkTransfer(address, address, address, uint256) external view {}

    function transferred(address, address, address, uint256) external override onlyEngine {
        _reenter();
    }

    function created(address, address, uint256) external override onlyEngine {
        _reenter();
    }

    function destroyed(address, address, uint256) external override onlyEngine {
        _reenter();
    }

    function _reenter() private {
        if (target == address(0) || reentered) return;
        reentered = true;
        (bool ok, bytes memory ret) = target.call(payload);
        reentrySucceeded = ok;
        reentryError = ret;
    }
}
